using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using DuckDB.NET.Data;
using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Bench;

/// <summary>
/// Issue 15 §3: a row-store peer in the same run. <c>pgpeer [--db warehouse.duckdb] [--snapshot id] [--dir d] [--runs n]</c>
/// starts PostgreSQL 15 (Debian's <c>postgresql</c> package, <c>/usr/lib/postgresql/15/bin</c>) in a temporary folder
/// (initdb, a loopback port and a socket in that folder, the memory settings in <see cref="Settings"/>), copies one
/// snapshot's fact rows — the columns the KPI marts read — into it (COPY) and into a fresh DuckDB file alike, runs the
/// warehouse's own record/age/sex cell statement (<c>KpiMartsSql.Cells</c>, the one pass every KPI mart is summed from)
/// in both engines, prints each time and the ratio, and checks that both give identical cell rows. Bench only: the
/// product never needs PostgreSQL.
/// </summary>
static class PgPeer
{
    const string Bin = "/usr/lib/postgresql/15/bin";

    /// <summary>Tuned for one analytical session on this 2-core, 24 GB machine (stated in docs/performance.md).</summary>
    static readonly (string Name, string Value)[] Settings =
    [
        ("shared_buffers", "6GB"), ("work_mem", "2GB"), ("maintenance_work_mem", "2GB"), ("effective_cache_size", "16GB"),
        ("max_parallel_workers_per_gather", "2"), ("max_parallel_workers", "2"), ("max_worker_processes", "4"),
        ("jit", "off"), ("fsync", "off"), ("synchronous_commit", "off"), ("full_page_writes", "off"),
        ("wal_level", "minimal"), ("max_wal_senders", "0"), ("random_page_cost", "1.1"),
    ];

    /// <summary>The columns of each fact table the cell statement reads.</summary>
    static readonly (string Table, string[] Columns)[] Tables =
    [
        ("fact_record", ["snapshot_id", "record_id", "citizen_id_kind", "birth_date", "age_years", "sex", "ward_code",
            "residence", "created_date", "updated_date", "death_date", "dq_flags", "verified", "first_exam_date", "has_phone",
            "vaccination_recorded", "history_recorded", "hx_hypertension", "hx_diabetes", "hx_cardiovascular", "pregnant", "has_name",
            "height_cm", "weight_kg", "abo_group", "rh"]),
        ("fact_encounter", ["snapshot_id", "record_id", "dq_flags", "has_htn_code", "has_dm_code", "kind", "visit_date"]),
        ("fact_lab", ["snapshot_id", "record_id", "dq_flags", "parse_status"]),
    ];

    public static int Run(string warehouse, string? snapshotId, string dir, int runs, TextWriter log)
    {
        if (!File.Exists(Path.Combine(Bin, "postgres")))
        {
            log.WriteLine($"pgpeer: PostgreSQL 15 not found in {Bin} (apt-get install postgresql-15).");
            return 2;
        }
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        Directory.CreateDirectory(dir);
        var (sid, asOf, cs, province) = Snapshot(warehouse, snapshotId);
        log.WriteLine($"pgpeer: snapshot {sid} (as of {asOf}, {cs}), warehouse {warehouse}");

        // 1. The same rows for both engines: CSV files from the warehouse, and a fresh DuckDB file with the same columns.
        var peerDuck = Path.Combine(dir, "peer.duckdb");
        var types = new Dictionary<string, List<(string Column, string Type)>>();
        var sw = Stopwatch.StartNew();
        long rows = 0;
        using (var duck = new DuckDBConnection($"Data Source={peerDuck}"))
        {
            duck.Open();
            duck.Execute($"ATTACH '{warehouse}' AS src (READ_ONLY)");
            foreach (var (table, columns) in Tables)
            {
                var all = duck.Query<(string Column, string Type)>(
                    "SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = 'src' AND table_name = $t ORDER BY ordinal_position",
                    new { t = table }).ToDictionary(x => x.Column, x => x.Type);
                types[table] = [.. columns.Select(c => (c, all[c]))];
                var list = string.Join(", ", columns);
                duck.Execute($"CREATE TABLE {table} AS SELECT {list} FROM src.main.{table} WHERE snapshot_id = '{sid}'");
                duck.Execute($"COPY {table} TO '{Path.Combine(dir, table + ".csv")}' (FORMAT csv, HEADER false)");
                rows += duck.ExecuteScalar<long>($"SELECT count(*) FROM {table}");
            }
            duck.Execute("DETACH src");
            duck.Execute("CHECKPOINT");
        }
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  rows copied: {rows:N0} over {Tables.Length} tables ({sw.Elapsed.TotalSeconds:0.0} s to extract)"));

        // 2. PostgreSQL 15 in the folder.
        var data = Path.Combine(dir, "pgdata");
        var port = 54000 + Environment.ProcessId % 1000;
        var asRoot = Environment.UserName == "root";
        if (asRoot) Exec("chown", ["-R", "postgres:postgres", dir]);
        Pg(asRoot, "initdb", ["-D", data, "--locale=C", "-E", "UTF8", "-A", "trust", "-U", "postgres"]);
        var options = string.Join(' ', Settings.Select(s => $"-c {s.Name}={s.Value}")) + $" -c listen_addresses=127.0.0.1 -p {port} -k {dir}";
        Pg(asRoot, "pg_ctl", ["-D", data, "-o", options, "-l", Path.Combine(dir, "postgres.log"), "-w", "start"]);
        try
        {
            var psql = new Psql(dir, port);
            sw.Restart();
            var create = new StringBuilder();
            foreach (var (table, columns) in types)
                create.AppendLine($"CREATE TABLE {table} ({string.Join(", ", columns.Select(c => $"{c.Column} {PgType(c.Type)}"))});")
                    .AppendLine($"\\copy {table} FROM '{Path.Combine(dir, table + ".csv")}' WITH (FORMAT csv)");
            create.AppendLine("VACUUM ANALYZE;");
            psql.Run(create.ToString());
            log.WriteLine($"  PostgreSQL 15: COPY of the same rows + VACUUM ANALYZE {sw.Elapsed.TotalSeconds:0.0} s; settings: {string.Join(", ", Settings.Select(s => $"{s.Name}={s.Value}"))}");

            // 3. The same statement in both engines.
            var sql = Literals(KpiMartsSql.Cells, sid, asOf, cs, province).Replace("wh.main.", "");
            var pgSql = ForPostgres(sql);
            var duckTimes = new List<double>();
            var pgTimes = new List<double>();
            using var duck = new DuckDBConnection($"Data Source={peerDuck}");
            duck.Open();
            for (var run = 0; run < runs; run++)
            {
                sw.Restart();
                duck.Execute(sql);
                duckTimes.Add(sw.Elapsed.TotalSeconds);
                pgTimes.Add(psql.Timed(pgSql));
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  run {run + 1}: DuckDB {duckTimes[^1]:0.000} s · PostgreSQL {pgTimes[^1]:0.000} s"));
            }
            var (d, p) = (Median(duckTimes), Median(pgTimes));
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  record/age/sex cells (KpiMartsSql.Cells), median of {runs}: DuckDB {d:0.000} s, PostgreSQL 15 {p:0.000} s, ratio {p / d:0.0}×"));

            // 3b. The design the issue points to, measured before it is built: the per-record flags written once (as a
            // load pass would), then a refresh that only sums them per cell. The same split statement in both engines.
            var split = sql.LastIndexOf("SELECT ward_code, age_band, sex,", StringComparison.Ordinal);
            var flags = sql[..split].Replace("CREATE OR REPLACE TEMP TABLE kpi_cells AS", "CREATE OR REPLACE TABLE kpi_record AS") + "SELECT * FROM r";
            var refresh = "CREATE OR REPLACE TEMP TABLE kpi_cells2 AS " + sql[split..].Replace("FROM r\n", "FROM kpi_record AS r\n");
            var pgFlags = ForPostgres(flags.Replace("CREATE OR REPLACE TABLE kpi_record AS", "DROP TABLE IF EXISTS kpi_record; CREATE UNLOGGED TABLE kpi_record AS"));
            var pgRefresh = ForPostgres(refresh.Replace("CREATE OR REPLACE TEMP TABLE kpi_cells2 AS", "DROP TABLE IF EXISTS kpi_cells2; CREATE TEMP TABLE kpi_cells2 AS"));
            sw.Restart();
            duck.Execute(flags);
            var duckFlags = sw.Elapsed.TotalSeconds;
            var pgFlagsTime = psql.Timed(pgFlags + ";\nANALYZE kpi_record");
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  per-record flags written once (the load pass's share): DuckDB {duckFlags:0.000} s, PostgreSQL {pgFlagsTime:0.000} s"));
            var (duckSums, pgSums) = (new List<double>(), new List<double>());
            for (var run = 0; run < runs; run++)
            {
                sw.Restart();
                duck.Execute(refresh);
                duckSums.Add(sw.Elapsed.TotalSeconds);
                pgSums.Add(psql.Timed(pgRefresh));
            }
            var (ds, ps) = (Median(duckSums), Median(pgSums));
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  refresh from the flags, median of {runs}: DuckDB {ds:0.000} s, PostgreSQL 15 {ps:0.000} s, ratio {ps / ds:0.0}×; DuckDB refresh vs today's cells {d / ds:0.0}× less work"));
            var same2 = duck.ExecuteScalar<long>("SELECT count(*) FROM (SELECT * FROM kpi_cells EXCEPT ALL SELECT * FROM kpi_cells2 UNION ALL SELECT * FROM kpi_cells2 EXCEPT ALL SELECT * FROM kpi_cells)") == 0;
            log.WriteLine($"  refresh rows equal today's cells (DuckDB): {(same2 ? "yes" : "NO")}");

            // 4. Identical rows.
            var order = "ORDER BY ward_code, age_band, sex";
            var duckRows = Path.Combine(dir, "cells-duckdb.csv");
            var pgRows = Path.Combine(dir, "cells-postgres.csv");
            duck.Execute($"COPY (SELECT * FROM kpi_cells {order}) TO '{duckRows}' (FORMAT csv, HEADER false)");
            psql.Run(pgSql + $";\n\\copy (SELECT * FROM kpi_cells {order}) TO '{pgRows}' WITH (FORMAT csv)");
            var (a, b) = (File.ReadAllLines(duckRows), File.ReadAllLines(pgRows));
            var same = a.SequenceEqual(b);
            log.WriteLine($"  cell rows: DuckDB {a.Length:N0}, PostgreSQL {b.Length:N0}; identical: {(same ? "yes" : "NO")}");
            if (!same)
                foreach (var (x, y) in a.Zip(b).Where(z => z.First != z.Second).Take(3)) log.WriteLine($"    duckdb   {x}\n    postgres {y}");
            return same ? 0 : 1;
        }
        finally
        {
            Pg(asRoot, "pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
        }
    }

    static (string Sid, string AsOf, string Cs, string Province) Snapshot(string warehouse, string? snapshotId)
    {
        using var c = new DuckDBConnection($"Data Source={warehouse};ACCESS_MODE=READ_ONLY");
        c.Open();
        return c.QuerySingle<(string, string, string, string)>("""
            SELECT snapshot_id, strftime(as_of, '%Y-%m-%d'), code_system, province_code FROM fact_snapshot
            WHERE $sid IS NULL OR snapshot_id = $sid ORDER BY as_of DESC, loaded_at DESC LIMIT 1
            """, new { sid = snapshotId });
    }

    /// <summary>The statement with its parameters written as literals, so both engines run the same text.</summary>
    static string Literals(string sql, string sid, string asOf, string cs, string province) =>
        sql.Replace("$sid", $"'{sid}'").Replace("$asof", $"'{asOf}'").Replace("$cs", $"'{cs}'").Replace("$province", $"'{province}'");

    /// <summary>DuckDB-only syntax of the statement in PostgreSQL's: no CREATE OR REPLACE TABLE, integer division with
    /// <c>/</c>, and no reference to a column alias of the same select list (g1 in g2), which is written out.</summary>
    static string ForPostgres(string sql)
    {
        var g1 = PriorityGroups.Group1("coalesce(enc.ncd_code, false)");
        var pg = sql.Replace("CREATE OR REPLACE TEMP TABLE kpi_cells AS", "DROP TABLE IF EXISTS kpi_cells; CREATE TEMP TABLE kpi_cells AS")
            .Replace(" // ", " / ")
            .Replace($"NOT g1 AND {PriorityGroups.Group2Core} AS g2", $"NOT {g1} AND {PriorityGroups.Group2Core} AS g2");
        if (Regex.IsMatch(pg, @"\bany_value\b|\bQUALIFY\b|//")) throw new InvalidOperationException("statement needs more translation for PostgreSQL");
        return pg;
    }

    static string PgType(string duck) => duck switch
    {
        "VARCHAR" => "text", "BOOLEAN" => "boolean", "DATE" => "date", "TIMESTAMP" => "timestamp",
        "TINYINT" or "SMALLINT" or "UTINYINT" => "smallint", "INTEGER" or "USMALLINT" => "integer", "BIGINT" or "UINTEGER" => "bigint",
        "FLOAT" => "real", "DOUBLE" => "double precision", "HUGEINT" or "UBIGINT" => "numeric",
        _ when duck.StartsWith("DECIMAL", StringComparison.Ordinal) => duck.Replace("DECIMAL", "numeric"),
        _ => throw new NotSupportedException($"DuckDB type {duck} has no PostgreSQL mapping here"),
    };

    static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);

    static void Pg(bool asRoot, string tool, string[] args) =>
        Exec(asRoot ? "runuser" : Path.Combine(Bin, tool), asRoot ? ["-u", "postgres", "--", Path.Combine(Bin, tool), .. args] : args);

    static string Exec(string file, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result}{stdout}");
        return stdout;
    }

    /// <summary>psql on the folder's socket; <see cref="Timed"/> returns the server-side statement time psql's
    /// <c>\timing</c> reports (no process start in it).</summary>
    sealed class Psql(string socketDir, int port)
    {
        public string Run(string script)
        {
            var file = Path.Combine(socketDir, $"script-{Guid.NewGuid():N}.sql");
            File.WriteAllText(file, script);
            try
            {
                return Exec(Path.Combine(Bin, "psql"), ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", socketDir, "-p", port.ToString(CultureInfo.InvariantCulture),
                    "-U", "postgres", "-d", "postgres", "-f", file]);
            }
            finally { File.Delete(file); }
        }

        public double Timed(string sql) =>
            Regex.Matches(Run("\\timing on\n" + sql + ";\n"), @"Time: ([0-9.]+) ms").Sum(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)) / 1000;
    }
}
