using System.Collections.Concurrent;
using System.Data;
using Dapper;
using DuckDB.NET.Data;

namespace HoSoSucKhoe.Warehouse.Loading;

/// <summary>
/// History stored once. Each snapshot is a full copy of the province's feed, so most of its rows repeat the previous
/// snapshot's unchanged. A fact table <c>T</c> is stored as <c>T_rows</c>: one row per distinct row with the range of
/// the province's snapshots that hold it, <c>[seq_from, seq_to]</c> in load order (<c>fact_snapshot.seq</c>;
/// <c>seq_to</c> NULL = still current), and read through the view <c>T</c> (Schema/001_schema.sql), which gives every
/// snapshot its full copy back.
/// <para>Invariants: <c>seq_from</c> and a non-NULL <c>seq_to</c> are seqs of loaded snapshots of the row's province;
/// within the rows that hold one snapshot, a row's columns with <c>dup_no</c> are unique (identical rows of a snapshot
/// are told apart by <c>dup_no</c>, 1, 2, …, numbered within equal row hashes). A snapshot is always appended after the province's latest (a new seq), so a load
/// only closes the rows the new snapshot no longer holds and inserts the rows it adds; a row is taken as unchanged only
/// when every column and <c>dup_no</c> are equal (no hash is stored: it would cost 8 incompressible bytes a row).</para>
/// </summary>
public static class FactHistory
{
    /// <summary>A staging table and columns of it that a fact select gives unchanged, one output row per staging row:
    /// two rows of the select alike are then two staging rows alike in these columns.</summary>
    public sealed record Verbatim(string Table, string Columns);

    /// <summary>The fact tables stored this way, as read (the views).</summary>
    public static readonly IReadOnlyList<string> Tables = ["fact_record", "record_key", "person_identity", "fact_encounter", "fact_lab", "fact_medication"];

    /// <summary>Tables computed from a snapshot after it is loaded (and recomputed when their definitions change), stored
    /// the same way but with every range closed: a snapshot not computed yet holds no rows (<see cref="Put"/>).</summary>
    public static readonly IReadOnlyList<string> Derived = ["ncd_person"];

    static IEnumerable<string> All => Tables.Concat(Derived);

    // A key unique within a snapshot (validated by the loader): no two identical rows, dup_no is always 1.
    static readonly HashSet<string> Keyed = ["fact_record", "record_key", "person_identity", "fact_encounter", "ncd_person"];

    const int Bookkeeping = 4; // province_code, seq_from, seq_to, dup_no
    static readonly ConcurrentDictionary<string, IReadOnlyList<(string Name, string Type)>> columns = new();

    /// <summary>The data columns of <c>T_rows</c> (after the five bookkeeping ones), in stored order.</summary>
    static IReadOnlyList<(string Name, string Type)> Columns(IDbConnection c, string table) => columns.GetOrAdd(table, t =>
        c.Query<(string, string)>("""
            SELECT column_name, data_type FROM information_schema.columns
            WHERE table_catalog = 'wh' AND table_schema = 'main' AND table_name = $t ORDER BY ordinal_position
            """, new { t = t + "_rows" }).Skip(Bookkeeping).ToList());

    /// <summary>The seq of the next snapshot loaded: one past every seq in use.</summary>
    public static int NextSeq(IDbConnection c, IDbTransaction? tx = null) =>
        c.ExecuteScalar<int>("SELECT coalesce(max(seq), 0) + 1 FROM wh.main.fact_snapshot", transaction: tx);

    /// <summary>The seq of the province's latest snapshot (the one a new snapshot is compared with), or null.</summary>
    public static int? LatestSeq(IDbConnection c, string province, IDbTransaction? tx = null) =>
        c.ExecuteScalar<int?>("SELECT max(seq) FROM wh.main.fact_snapshot WHERE province_code = $province", new { province }, tx);

    /// <summary>
    /// Finds the rows of <paramref name="typed"/> that may have a twin (an identical row in the same snapshot), which
    /// <c>dup_no</c> must tell apart: the temp table fh_twins holds the row hashes seen more than once, and the
    /// expression returned gives a row's hash; null when no row has a twin (always for a table with a key), so that
    /// dup_no is 1 throughout. With <paramref name="distinct"/> the hashes are those of the staging rows, by the columns
    /// the select gives unchanged (cast to their stored types, so the select's rows hash alike): two rows alike come from
    /// two staging rows alike, and that count reads the staging table alone, without the select's joins. Equal hashes
    /// of unequal rows are only numbered apart.
    /// </summary>
    static string? Twins(IDbConnection c, IDbTransaction? tx, string table, IReadOnlyList<(string Name, string Type)> cols, string typed,
        object args, Verbatim? distinct)
    {
        if (Keyed.Contains(table)) return null;
        string key, source;
        if (distinct is { } d)
        {
            var verbatim = d.Columns.Split(',', StringSplitOptions.TrimEntries);
            var types = cols.ToDictionary(x => x.Name, x => x.Type, StringComparer.Ordinal);
            key = $"hash({string.Join(", ", verbatim)})";
            source = $"SELECT hash({string.Join(", ", verbatim.Select(v => $"CAST({v} AS {types[v]})"))}) AS h FROM {d.Table}";
        }
        else
        {
            key = $"hash({string.Join(", ", cols.Select(x => x.Name))})";
            source = $"SELECT {key} AS h FROM ({typed})";
        }
        c.Execute($"CREATE OR REPLACE TEMP TABLE fh_twins AS SELECT h FROM ({source}) GROUP BY 1 HAVING count(*) > 1", args, tx);
        if (c.ExecuteScalar<long>("SELECT count(*) FROM fh_twins", transaction: tx) > 0) return key;
        c.Execute("DROP TABLE fh_twins", transaction: tx);
        return null;
    }

    /// <summary>The rows of <paramref name="typed"/> with dup_no, for the tail of an INSERT or CREATE: only the rows that
    /// may have a twin go through the window (<see cref="Twins"/>; the caller drops fh_twins when a key was given).</summary>
    static string WithDupNo(string typed, string? key) => key is null
        ? $"SELECT *, 1 FROM ({typed})"
        : $"""
           SELECT *, 1 FROM ({typed}) WHERE {key} NOT IN (SELECT h FROM fh_twins)
           UNION ALL
           SELECT *, row_number() OVER (PARTITION BY {key})::INTEGER FROM ({typed}) WHERE {key} IN (SELECT h FROM fh_twins)
           """;

    /// <summary>The temp table fh_new: the rows <paramref name="select"/> gives, in the stored types, with dup_no.</summary>
    static void NewRows(IDbConnection c, IDbTransaction? tx, string table, IReadOnlyList<(string Name, string Type)> cols, string select,
        object args, Verbatim? distinct)
    {
        var names = string.Join(", ", cols.Select(x => x.Name));
        var casts = string.Join(", ", cols.Select(x => $"CAST({x.Name} AS {x.Type}) AS {x.Name}"));
        var typed = $"SELECT {casts} FROM ({select}) AS t({names})";
        var key = Twins(c, tx, table, cols, typed, args, distinct);
        c.Execute($"CREATE OR REPLACE TEMP TABLE fh_new AS SELECT * FROM ({WithDupNo(typed, key)}) AS t({names}, dup_no)", args, tx);
        if (key is not null) c.Execute("DROP TABLE fh_twins", transaction: tx);
    }

    static string Same(IReadOnlyList<(string Name, string Type)> cols) =>
        string.Join(" AND ", cols.Select(x => $"r.{x.Name} IS NOT DISTINCT FROM n.{x.Name}"));

    /// <summary>
    /// Stores the rows of a derived table for one loaded snapshot (<see cref="Derived"/>), replacing those it had:
    /// rows it shared with its neighbours are split around it. For the province's latest snapshot, rows equal to the
    /// previous snapshot's are extended to it; a snapshot in the middle (a recomputation) gets its own rows. Returns
    /// the rows inserted.
    /// </summary>
    public static long Put(IDbConnection c, IDbTransaction? tx, string table, string select, object args, string snapshotId)
    {
        var at = Position(c, tx, snapshotId);
        RemoveShare(c, tx, table, at);
        var cols = Columns(c, table);
        // Nothing to extend (no previous snapshot, or one in the middle): the rows go straight in, with no temp copy.
        if (!(at.Next < 0 && at.Previous >= 0)) return Insert(c, tx, table, cols, select, args, at.Province, at.Seq, false, null, null);
        NewRows(c, tx, table, cols, select, args, null);
        c.Execute($"""
            CREATE OR REPLACE TEMP TABLE fh_kept AS
            SELECT r.rowid AS rid, n.rowid AS nid
            FROM wh.main.{table}_rows r JOIN fh_new n ON r.dup_no = n.dup_no AND {Same(cols)}
            WHERE r.province_code = $Province AND r.seq_to = $Previous;
            UPDATE wh.main.{table}_rows SET seq_to = $Seq WHERE rowid IN (SELECT rid FROM fh_kept);
            """, at, tx);
        var inserted = c.Execute($"""
            INSERT INTO wh.main.{table}_rows
            SELECT $Province, $Seq, $Seq, n.dup_no, {string.Join(", ", cols.Select(x => "n." + x.Name))}
            FROM fh_new n WHERE n.rowid NOT IN (SELECT nid FROM fh_kept)
            """, at, tx);
        c.Execute("DROP TABLE fh_new; DROP TABLE fh_kept;", transaction: tx);
        return inserted;
    }

    /// <summary>A snapshot's province, seq and the seqs of the province's snapshots before and after it (-1: none).</summary>
    sealed record Place(string Province, int Seq, int Previous, int Next);

    static Place Position(IDbConnection c, IDbTransaction? tx, string snapshotId) => c.QuerySingle<Place>("""
        SELECT s.province_code AS Province, s.seq AS Seq,
               coalesce((SELECT max(o.seq) FROM wh.main.fact_snapshot o WHERE o.province_code = s.province_code AND o.seq < s.seq), -1) AS Previous,
               coalesce((SELECT min(o.seq) FROM wh.main.fact_snapshot o WHERE o.province_code = s.province_code AND o.seq > s.seq), -1) AS Next
        FROM wh.main.fact_snapshot s WHERE s.snapshot_id = $snapshotId
        """, new { snapshotId }, tx);

    /// <summary>Takes a snapshot out of a derived table's closed ranges: a row it held alone goes, a range around it is
    /// split into the part before and the part after.</summary>
    static void RemoveShare(IDbConnection c, IDbTransaction? tx, string table, Place at)
    {
        var cols = string.Join(", ", Columns(c, table).Select(x => x.Name));
        c.Execute($"""
            INSERT INTO wh.main.{table}_rows
            SELECT province_code, $Next, seq_to, dup_no, {cols} FROM wh.main.{table}_rows
            WHERE province_code = $Province AND seq_from <= $Seq AND seq_to > $Seq;
            DELETE FROM wh.main.{table}_rows WHERE province_code = $Province AND seq_from = $Seq;
            UPDATE wh.main.{table}_rows SET seq_to = $Previous WHERE province_code = $Province AND seq_from < $Seq AND seq_to >= $Seq;
            """, at, tx);
    }

    /// <summary>
    /// Stores the rows of a new snapshot (seq <paramref name="seq"/>, after <paramref name="previous"/>, the province's
    /// latest so far) of one table: <paramref name="select"/> gives them, columns in the order of <c>T_rows</c> after
    /// the bookkeeping ones. Rows of the previous snapshot it repeats stay as they are; those it lacks are closed at
    /// the previous snapshot; the others are inserted. Returns the rows inserted. With <paramref name="share"/> false
    /// every row is inserted as held by this snapshot alone: a full copy (and the previous snapshot's current rows end
    /// there, so the two ways can follow each other in one warehouse). <paramref name="distinct"/>: for a table without
    /// a key, the staging rows the select gives one row each, by the columns it gives unchanged (see <see cref="Verbatim"/>).
    /// </summary>
    public static long Append(DuckDBConnection c, IDbTransaction tx, string table, string select, object args,
        string province, int seq, int? previous, bool share = true, Verbatim? distinct = null)
    {
        var cols = Columns(c, table);
        if (previous is null || !share) return Insert(c, tx, table, cols, select, args, province, seq, share, previous, distinct);
        NewRows(c, tx, table, cols, select, args, distinct);
        var p = new { province, seq, previous };
        c.Execute($"""
            CREATE OR REPLACE TEMP TABLE fh_kept AS
            SELECT r.rowid AS rid, n.rowid AS nid, r.seq_to
            FROM wh.main.{table}_rows r JOIN fh_new n ON r.dup_no = n.dup_no AND {Same(cols)}
            WHERE r.province_code = $province AND r.seq_from <= $previous AND coalesce(r.seq_to, 2147483647) >= $previous;
            -- rows that ended at the previous snapshot (its successor was removed) and come back go on
            UPDATE wh.main.{table}_rows SET seq_to = NULL WHERE rowid IN (SELECT rid FROM fh_kept WHERE seq_to IS NOT NULL);
            -- rows of the previous snapshot the new one lacks end there
            UPDATE wh.main.{table}_rows SET seq_to = $previous
            WHERE province_code = $province AND seq_to IS NULL AND rowid NOT IN (SELECT rid FROM fh_kept);
            """, p, tx);
        var inserted = c.Execute($"""
            INSERT INTO wh.main.{table}_rows
            SELECT $province, $seq, NULL, n.dup_no, {string.Join(", ", cols.Select(x => "n." + x.Name))}
            FROM fh_new n WHERE n.rowid NOT IN (SELECT nid FROM fh_kept)
            """, p, tx);
        c.Execute("DROP TABLE fh_new; DROP TABLE fh_kept;", transaction: tx);
        return inserted;
    }

    /// <summary>A snapshot with nothing to compare with (the province's first, a full copy, or a derived table's rows
    /// of a snapshot that has no previous one or is not the latest): its rows go straight
    /// into <c>T_rows</c>, with no temp copy (at 10M records the copy of every table was the larger part of the load).
    /// Identical rows of a table without a key are numbered by <c>dup_no</c> as in <see cref="NewRows"/>: the few
    /// hashes that occur more than once are found first, and only their rows go through the window.</summary>
    static long Insert(IDbConnection c, IDbTransaction? tx, string table, IReadOnlyList<(string Name, string Type)> cols, string select,
        object args, string province, int seq, bool share, int? previous, Verbatim? distinct)
    {
        if (!share && previous is not null)
            c.Execute($"UPDATE wh.main.{table}_rows SET seq_to = $previous WHERE province_code = $province AND seq_to IS NULL",
                new { province, previous }, tx);
        var names = string.Join(", ", cols.Select(x => x.Name));
        var casts = string.Join(", ", cols.Select(x => $"CAST({x.Name} AS {x.Type}) AS {x.Name}"));
        var typed = $"SELECT {casts} FROM ({select}) AS t({names})";
        var bind = new DynamicParameters(args);
        bind.Add("fh_province", province);
        bind.Add("fh_seq", seq);
        var to = share ? "NULL" : "$fh_seq";
        var key = Twins(c, tx, table, cols, typed, bind, distinct);
        var inserted = c.Execute($"""
            INSERT INTO wh.main.{table}_rows
            SELECT $fh_province, $fh_seq, {to}, dup_no, {names} FROM ({WithDupNo(typed, key)}) AS t({names}, dup_no)
            """, bind, tx);
        if (key is not null) c.Execute("DROP TABLE fh_twins", transaction: tx);
        return inserted;
    }

    /// <summary>
    /// Removes a snapshot: its row in <c>fact_snapshot</c> and its share of every stored fact and derived table. Rows held by it
    /// alone go; ranges that start or end at it move to the neighbouring snapshots of the province. Inside the
    /// caller's transaction. Returns the rows each table gave the snapshot as read (the views).
    /// </summary>
    public static IReadOnlyDictionary<string, long> Delete(DuckDBConnection c, IDbTransaction tx, string snapshotId)
    {
        var rows = All.ToDictionary(t => t, t => c.ExecuteScalar<long>(
            $"SELECT count(*) FROM wh.main.{t} WHERE snapshot_id = $snapshotId", new { snapshotId }, tx), StringComparer.Ordinal);
        if (c.ExecuteScalar<long>("SELECT count(*) FROM wh.main.fact_snapshot WHERE snapshot_id = $snapshotId", new { snapshotId }, tx) == 0)
            return rows;
        var at = Position(c, tx, snapshotId);
        foreach (var t in Tables)
            c.Execute($"""
                DELETE FROM wh.main.{t}_rows
                WHERE province_code = $Province AND seq_from = $Seq AND (seq_to = $Seq OR $Next < 0);
                UPDATE wh.main.{t}_rows SET seq_from = $Next WHERE province_code = $Province AND seq_from = $Seq;
                UPDATE wh.main.{t}_rows SET seq_to = $Previous WHERE province_code = $Province AND seq_to = $Seq;
                """, at, tx);
        foreach (var t in Derived) RemoveShare(c, tx, t, at);
        c.Execute("DELETE FROM wh.main.fact_snapshot WHERE snapshot_id = $snapshotId", new { snapshotId }, tx);
        return rows;
    }

    /// <summary>A warehouse written before history was stored once holds the facts as tables of full copies: they are
    /// renamed out of the way before the schema scripts create the views (<see cref="MigrateLegacy"/> moves them).</summary>
    internal static IReadOnlyList<string> DetachLegacy(IDbConnection c)
    {
        var legacy = c.Query<string>("""
            SELECT table_name FROM information_schema.tables
            WHERE table_catalog = 'wh' AND table_schema = 'main' AND table_type = 'BASE TABLE' AND table_name IN $tables
            """, new { tables = All.ToArray() }).ToList();
        foreach (var t in legacy) c.Execute($"ALTER TABLE wh.main.{t} RENAME TO {t}_legacy");
        return legacy;
    }

    /// <summary>Numbers the snapshots in load order and moves the renamed full copies into the stored tables, each row
    /// held by its own snapshot alone (exact; the snapshots loaded from then on share their rows), in one transaction.</summary>
    internal static void MigrateLegacy(DuckDBConnection c, IReadOnlyList<string> legacy)
    {
        if (legacy.Count == 0) return;
        using var tx = c.BeginTransaction();
        c.Execute("""
            UPDATE wh.main.fact_snapshot SET seq = x.n
            FROM (SELECT snapshot_id, ((SELECT coalesce(max(seq), 0) FROM wh.main.fact_snapshot)
                                       + row_number() OVER (ORDER BY loaded_at, snapshot_id))::INTEGER AS n
                  FROM wh.main.fact_snapshot WHERE seq IS NULL) x
            WHERE fact_snapshot.snapshot_id = x.snapshot_id
            """, transaction: tx);
        // The full copies of fact_record held the record's keys too: record_key is taken from them.
        var sources = legacy.ToDictionary(t => t, t => $"wh.main.{t}_legacy");
        if (legacy.Contains("fact_record"))
        {
            sources["fact_record"] = "(SELECT *, name_key IS NOT NULL AS has_name FROM wh.main.fact_record_legacy)";
            sources["record_key"] = "wh.main.fact_record_legacy";
        }
        foreach (var (t, source) in sources)
        {
            var names = string.Join(", ", Columns(c, t).Select(x => "l." + x.Name));
            c.Execute($"""
                INSERT INTO wh.main.{t}_rows
                SELECT s.province_code, s.seq, s.seq, row_number() OVER (PARTITION BY l.snapshot_id, l.h)::INTEGER, {names}
                FROM (SELECT l.snapshot_id, {names}, hash({names}) AS h FROM {source} l) l
                JOIN wh.main.fact_snapshot s USING (snapshot_id);
                """, transaction: tx);
        }
        foreach (var t in legacy) c.Execute($"DROP TABLE wh.main.{t}_legacy", transaction: tx);
        tx.Commit();
    }

    /// <summary>A warehouse written before the record keys were kept apart stores them in <c>fact_record_rows</c>, once
    /// per version of the record: that table is renamed out of the way before the schema scripts create the new one
    /// (<see cref="MigrateKeyed"/> moves its rows).</summary>
    internal static void DetachKeyed(IDbConnection c)
    {
        if (c.ExecuteScalar<long>("""
                SELECT count(*) FROM information_schema.columns
                WHERE table_catalog = 'wh' AND table_schema = 'main' AND table_name = 'fact_record_rows' AND column_name = 'name_key'
                """) > 0)
            c.Execute("ALTER TABLE wh.main.fact_record_rows RENAME TO fact_record_rows_keyed");
    }

    /// <summary>
    /// Moves the rows of a renamed <c>fact_record_rows_keyed</c> (<see cref="DetachKeyed"/>) into <c>fact_record_rows</c>,
    /// unchanged but for <c>has_name</c> in place of the keys, and the keys into <c>record_key_rows</c>: consecutive
    /// versions of a record with the same keys (the one kept ending at the province's snapshot just before the next
    /// begins) become one row, so every snapshot reads the same keys as before. One transaction.
    /// </summary>
    internal static void MigrateKeyed(DuckDBConnection c)
    {
        if (c.ExecuteScalar<long>("""
                SELECT count(*) FROM information_schema.tables
                WHERE table_catalog = 'wh' AND table_schema = 'main' AND table_name = 'fact_record_rows_keyed'
                """) == 0) return;
        using var tx = c.BeginTransaction();
        var names = string.Join(", ", Columns(c, "fact_record").Select(x => x.Name == "has_name" ? "name_key IS NOT NULL" : x.Name));
        c.Execute($"""
            INSERT INTO wh.main.fact_record_rows SELECT province_code, seq_from, seq_to, dup_no, {names} FROM wh.main.fact_record_rows_keyed;
            INSERT INTO wh.main.record_key_rows
            WITH after AS (
                SELECT province_code, seq, lead(seq) OVER (PARTITION BY province_code ORDER BY seq) AS next FROM wh.main.fact_snapshot),
            v AS (
                SELECT r.province_code, r.seq_from, r.seq_to, r.record_id, r.citizen_key, r.insurance_key, r.name_key,
                       coalesce(lag(a.next) OVER k <> r.seq_from, true) AS starts
                FROM wh.main.fact_record_rows_keyed r
                LEFT JOIN after a ON a.province_code = r.province_code AND a.seq = r.seq_to
                WINDOW k AS (PARTITION BY r.province_code, r.record_id, r.citizen_key, r.insurance_key, r.name_key ORDER BY r.seq_from)),
            islands AS (
                SELECT *, sum(starts::INTEGER) OVER (PARTITION BY province_code, record_id, citizen_key, insurance_key, name_key
                                                     ORDER BY seq_from ROWS UNBOUNDED PRECEDING) AS island
                FROM v)
            SELECT province_code, min(seq_from), CASE WHEN bool_or(seq_to IS NULL) THEN NULL ELSE max(seq_to) END, 1,
                   record_id, citizen_key, insurance_key, name_key
            FROM islands GROUP BY province_code, record_id, citizen_key, insurance_key, name_key, island
            ORDER BY province_code, 2, record_id;
            DROP TABLE wh.main.fact_record_rows_keyed;
            """, transaction: tx);
        tx.Commit();
    }
}
