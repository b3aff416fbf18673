using System.Globalization;
using System.Numerics;
using System.Xml;
using Apache.Arrow.Ipc;
using Dapper;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;
using HoSoSucKhoe.Warehouse.Xml130;

namespace HoSoSucKhoe.Bench;

/// <summary>
/// The child process of <see cref="Fuzz"/>: builds (once per folder) the valid inputs and a pristine warehouse holding
/// the population and one loaded snapshot, then runs cases [from, to) of one format against one working copy of it.
/// Each case ends as refused (the product's rejection, a clear message, the warehouse fingerprint unchanged), loaded
/// (the warehouse then checked against the input, and put back to the pristine copy), or a failure.
/// Protocol on standard output: <c>@@B i</c> when case i starts, <c>@@E i \t outcome \t base64(mutation) \t base64(message)</c>.
/// </summary>
public static class FuzzWorker
{
    public const string Key = "fuzz-key-0123456789-abcdef";
    public const string LoadedId = "01-2025-08-31";
    public const string SeedId = "01-2025-09-30";
    public const string CsvName = "pop-fuzz.csv";

    public static int Run(string format, int seed, int from, int to, string dir)
    {
        var h = new Harness(dir);
        var formatIndex = Array.IndexOf(Fuzz.Formats, format);
        if (formatIndex < 0) throw new ArgumentException($"định dạng '{format}' không rõ");
        for (var i = from; i < to; i++)
        {
            Console.Out.WriteLine($"@@B {i}");
            Console.Out.Flush();
            var rng = new Random(CaseSeed(seed, formatIndex, i));
            var (outcome, mutation, message) = format switch
            {
                "manifest" => h.Manifest(rng),
                "arrow" => h.Arrow(rng),
                "csv" => h.Csv(rng),
                _ => h.Xml(rng),
            };
            Console.Out.WriteLine($"@@E {i}\t{outcome}\t{Fuzz.Encode(mutation)}\t{Fuzz.Encode(message)}");
            Console.Out.Flush();
        }
        h.Dispose();
        Console.Error.WriteLine("phases: " + string.Join(", ", Phase.Seconds.Select(kv => $"{kv.Key} {kv.Value:0.00} s")));
        return 0;
    }

    /// <summary>The random seed of one case: a mix of the run's seed, the format and the case number.</summary>
    public static int CaseSeed(int seed, int format, int index)
    {
        var x = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (ulong)(format + 1) * 0xC2B2AE3D27D4EB4FUL ^ (ulong)(index + 1) * 0x165667B19E3779F9UL;
        x ^= x >> 31; x *= 0xBF58476D1CE4E5B9UL; x ^= x >> 29;
        return (int)(x & 0x7FFFFFFF);
    }

    /// <summary>Seconds spent per phase of the cases (printed by the worker on standard error at its end).</summary>
    static class Phase
    {
        public static readonly Dictionary<string, double> Seconds = [];
        public static T Time<T>(string name, Func<T> f)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            try { return f(); }
            finally { Seconds[name] = Seconds.GetValueOrDefault(name) + sw.Elapsed.TotalSeconds; }
        }
    }

    /// <summary>Builds an Arrow case in <paramref name="caseFolder"/> (an empty folder): the seed snapshot with one file
    /// mutated and, for most cases, the manifest's checksum (and row count) recomputed so that the file reaches the
    /// Arrow reader. Returns what was done. tests/Fuzz rebuilds the cases that found defects with it.</summary>
    public static string ArrowCase(Random rng, string seedFolder, string caseFolder)
    {
        foreach (var f in Directory.GetFiles(seedFolder)) File.Copy(f, Path.Combine(caseFolder, Path.GetFileName(f)));
        var (file, mutation, rowsChanged) = FuzzMutators.Arrow(rng, caseFolder);
        // Most cases get past the checksum to reach the Arrow reader; some keep the stale checksum.
        if (rng.Next(8) != 0) FuzzMutators.Recompute(caseFolder, file, rowsChanged);
        else mutation += " (stale checksum)";
        return mutation;
    }

    sealed class Harness : IDisposable
    {
        readonly string dir, pristine, work, seedFolder, caseFolder;
        readonly Pseudonymiser pseudonymiser = new(Key);
        WarehouseDb db;
        SnapshotLoader loader;
        readonly string baseline;
        readonly string seedManifest;

        public Harness(string dir)
        {
            this.dir = dir;
            Directory.CreateDirectory(dir);
            pristine = Path.Combine(dir, "pristine.duckdb");
            work = Path.Combine(dir, "work.duckdb");
            seedFolder = Path.Combine(dir, "seed");
            caseFolder = Path.Combine(dir, "case");
            if (!File.Exists(Path.Combine(seedFolder, Warehouse.Snapshots.Manifest.FileName)))
            {
                var loaded = FuzzInputs.WriteSnapshot(Path.Combine(dir, "loaded"), LoadedId, "2025-08-31");
                File.WriteAllText(Path.Combine(dir, "population.csv"), FuzzInputs.PopulationCsv());
                if (File.Exists(pristine)) File.Delete(pristine);
                using (var p = new WarehouseDb(pristine))
                {
                    PopulationLoader.Load(p, Path.Combine(dir, "population.csv"));
                    Loader(p).Load(loaded);
                    using var c = p.Open();
                    c.Execute("CHECKPOINT");
                }
                FuzzInputs.WriteSnapshot(seedFolder + ".tmp", SeedId, "2025-09-30");
                Directory.Move(seedFolder + ".tmp", seedFolder);
            }
            seedManifest = File.ReadAllText(Path.Combine(seedFolder, Warehouse.Snapshots.Manifest.FileName));
            (db, loader) = Reopen(null);
            Backup();
            baselineTables = Tables();
            baseline = Fingerprint();
        }

        (WarehouseDb, SnapshotLoader) Reopen(WarehouseDb? old)
        {
            old?.Dispose();
            File.Copy(pristine, work, overwrite: true);
            if (File.Exists(work + ".wal")) File.Delete(work + ".wal");
            var d = new WarehouseDb(work);
            tables = null;
            return (d, Loader(d));
        }

        /// <summary>The loader with the KPI marts built inside the load transaction (the marts the fingerprint hashes);
        /// the NCD and unrecorded-visitor steps are left out to keep 10,000 cases within the time budget.</summary>
        SnapshotLoader Loader(WarehouseDb d) => new(d, pseudonymiser, [KpiMarts.Build]);

        List<string>? tables;
        string? fingerprintSql;

        /// <summary>A copy of every warehouse table in the in-memory catalog (not in the file, so not in the fingerprint),
        /// to put back the tables a load changed without reopening the warehouse.</summary>
        void Backup()
        {
            using var c = db.OpenStaging();
            tables = c.Query<string>("SELECT table_name FROM duckdb_tables() WHERE database_name = 'wh' AND schema_name = 'main' ORDER BY 1").ToList();
            foreach (var t in tables) c.Execute($"CREATE OR REPLACE TABLE memory.main.\"bk_{t}\" AS SELECT * FROM wh.main.\"{t}\"");
            // Counts of every table; a hash of the rows of the marts and of the small tables a load or a population file
            // rewrites in place (same count, other values).
            fingerprintSql = string.Join("\nUNION ALL ", tables.Select(t => t.StartsWith("mart_", StringComparison.Ordinal) || t is "wh_meta" or "fact_population"
                ? $"SELECT '{t}' AS t, count(*)::VARCHAR || ':' || coalesce(sum(hash(x::VARCHAR)), 0)::VARCHAR AS v FROM wh.main.\"{t}\" x"
                : $"SELECT '{t}', count(*)::VARCHAR FROM wh.main.\"{t}\""));
        }

        void Restore() => Phase.Time("restore", () => { RestoreNow(); return 0; });

        void RestoreNow()
        {
            try
            {
                var changed = Changed();
                using (var c = db.OpenStaging())
                {
                    using var tx = c.BeginTransaction();
                    foreach (var t in changed)
                        c.Execute($"DELETE FROM wh.main.\"{t}\";\nINSERT INTO wh.main.\"{t}\" SELECT * FROM memory.main.\"bk_{t}\"", transaction: tx);
                    tx.Commit();
                }
                if (Fingerprint() == baseline) return;
            }
            catch (Exception e) when (e is not OutOfMemoryException) { Console.Error.WriteLine("restore by tables failed: " + e.Message); }
            (db, loader) = Reopen(db);
            Backup();
        }

        /// <summary>Per table: row count, and a hash of its rows (all tables but the two reference dimensions).</summary>
        Dictionary<string, string> Tables() => Phase.Time("fingerprint", TablesNow);

        Dictionary<string, string> TablesNow()
        {
            if (tables is null) Backup();
            using var c = db.Open();
            return c.Query<(string T, string V)>(fingerprintSql!).ToDictionary(x => x.T, x => x.V);
        }

        List<string> Changed()
        {
            var now = Tables();
            return tables!.Where(t => now[t] != baselineTables![t]).ToList();
        }

        Dictionary<string, string>? baselineTables;

        string Fingerprint() => string.Join(";", Tables().OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value));

        /// <summary>Runs a load; classifies it; on a refusal compares the fingerprint; after a load checks and restores.</summary>
        (string, string, string) Outcome(string mutation, string? file, Action load, Func<string?> verify)
        {
            try
            {
                Phase.Time("load", () => { load(); return 0; });
            }
            catch (SnapshotRejectedException e)
            {
                return Refused(mutation, e.Message, file ?? e.File);
            }
            catch (Exception e)
            {
                Restore();
                return ("crash", mutation, $"{e.GetType().FullName}: {e.Message}\n{e.StackTrace}");
            }
            string? problem;
            try { problem = verify(); }
            catch (Exception e) { problem = $"check failed: {e.GetType().Name}: {e.Message}"; }
            Restore();
            return problem is null ? ("loaded", mutation, "") : ("wrong", mutation, problem);
        }

        (string, string, string) Refused(string mutation, string message, string? file)
        {
            var now = Fingerprint();
            if (now != baseline)
            {
                Restore();
                return ("partial", mutation, message);
            }
            return FuzzChecks.Problem(message, file) is { } p ? ("unclear", mutation, p + ": " + message) : ("refused", mutation, message);
        }

        void FreshCase() => Phase.Time("prepare", () => { FreshCaseNow(); return 0; });

        void FreshCaseNow()
        {
            if (Directory.Exists(caseFolder)) Directory.Delete(caseFolder, recursive: true);
            Directory.CreateDirectory(caseFolder);
        }

        // ---- manifest --------------------------------------------------------------------------------------------

        public (string, string, string) Manifest(Random rng)
        {
            FreshCase();
            foreach (var f in SnapshotContract.Files) File.Copy(Path.Combine(seedFolder, f.Name), Path.Combine(caseFolder, f.Name));
            var (bytes, mutation) = FuzzMutators.Manifest(rng, seedManifest, LoadedId);
            File.WriteAllBytes(Path.Combine(caseFolder, Warehouse.Snapshots.Manifest.FileName), bytes);
            return Snapshot(mutation, null);
        }

        (string, string, string) Snapshot(string mutation, string? file)
        {
            LoadResult? result = null;
            return Outcome(mutation, file, () => result = loader.Load(caseFolder), () => VerifySnapshot(result!));
        }

        string? VerifySnapshot(LoadResult result)
        {
            var m = Warehouse.Snapshots.Manifest.Read(caseFolder);
            if (result.Outcome == LoadOutcome.AlreadyLoaded)
                return Fingerprint() == baseline ? null : "reported as already loaded but the warehouse changed";
            using var c = db.Open();
            var stored = c.QuerySingleOrDefault<(string Province, DateTime AsOf, string Cs, long Persons, long Encounters, long Labs, long Medications)?>(
                "SELECT province_code, as_of::TIMESTAMP, code_system, persons, encounters, labs, medications FROM fact_snapshot WHERE snapshot_id = $sid",
                new { sid = m.SnapshotId });
            if (stored is not { } s) return $"snapshot {m.SnapshotId} not in fact_snapshot";
            if (s.Province != m.ProvinceCode || DateOnly.FromDateTime(s.AsOf) != m.AsOf || s.Cs != m.AdminCodes)
                return "fact_snapshot differs from the manifest";
            var expected = new Dictionary<string, long>
            {
                ["persons.arrow"] = s.Persons, ["encounters.arrow"] = s.Encounters, ["labs.arrow"] = s.Labs, ["medications.arrow"] = s.Medications,
            };
            foreach (var f in m.Files)
            {
                var onDisk = CountRows(Path.Combine(caseFolder, f.Name));
                if (onDisk != f.Rows || expected[f.Name] != f.Rows) return $"{f.Name}: file {onDisk}, manifest {f.Rows}, warehouse {expected[f.Name]}";
            }
            var facts = c.QuerySingle<(long R, long E, long L, long M)>("""
                SELECT (SELECT count(*) FROM fact_record WHERE snapshot_id = $sid), (SELECT count(*) FROM fact_encounter WHERE snapshot_id = $sid),
                       (SELECT count(*) FROM fact_lab WHERE snapshot_id = $sid), (SELECT count(*) FROM fact_medication WHERE snapshot_id = $sid)
                """, new { sid = m.SnapshotId });
            if (facts != (s.Persons, s.Encounters, s.Labs, s.Medications)) return $"fact rows {facts} differ from fact_snapshot";
            var marts = c.ExecuteScalar<long>("SELECT count(*) FROM mart_unit_kpi WHERE snapshot_id = $sid", new { sid = m.SnapshotId });
            return marts == 0 ? "no KPI mart rows for the loaded snapshot" : null;
        }

        static long CountRows(string path)
        {
            using var reader = new ArrowFileReader(File.OpenRead(path));
            long n = 0;
            while (reader.ReadNextRecordBatch() is { } b) { n += b.Length; b.Dispose(); }
            return n;
        }

        // ---- Arrow -----------------------------------------------------------------------------------------------

        public (string, string, string) Arrow(Random rng)
        {
            FreshCase();
            return Snapshot(ArrowCase(rng, seedFolder, caseFolder), null);
        }

        // ---- population CSV --------------------------------------------------------------------------------------

        public (string, string, string) Csv(Random rng)
        {
            FreshCase();
            var path = Path.Combine(caseFolder, CsvName);
            var (bytes, mutation) = FuzzMutators.Csv(rng, File.ReadAllText(Path.Combine(dir, "population.csv")));
            File.WriteAllBytes(path, bytes);
            PopulationLoadResult? result = null;
            return Outcome(mutation, CsvName, () => result = PopulationLoader.Load(db, path), () => VerifyCsv(path, result!));
        }

        string? VerifyCsv(string path, PopulationLoadResult result)
        {
            var lines = File.ReadAllLines(path);
            var header = ReferenceData.SplitCsv(lines[0].TrimStart('\uFEFF')).Select(x => x.Trim().ToLowerInvariant()).ToList();
            var k = header.IndexOf("population");
            var data = lines.Skip(1).Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => ReferenceData.SplitCsv(l)).ToList();
            var sum = data.Aggregate(BigInteger.Zero, (a, cells) => a + BigInteger.Parse(cells[k].Trim(), CultureInfo.InvariantCulture));
            using var c = db.Open();
            var stored = c.QuerySingle<(long Rows, string? Sum)>("SELECT count(*), sum(population::HUGEINT)::VARCHAR FROM fact_population WHERE source = $s", new { s = CsvName });
            if (stored.Rows != data.Count || result.Rows != data.Count) return $"rows: file {data.Count}, loader {result.Rows}, warehouse {stored.Rows}";
            if (BigInteger.Parse(stored.Sum ?? "0", CultureInfo.InvariantCulture) != sum) return $"population: file {sum}, warehouse {stored.Sum}";
            return null;
        }

        // ---- XML 130 ---------------------------------------------------------------------------------------------

        public (string, string, string) Xml(Random rng)
        {
            FreshCase();
            var input = Path.Combine(caseFolder, "in");
            Directory.CreateDirectory(input);
            var file = Path.Combine(input, "fz.xml");
            var (bytes, mutation) = FuzzMutators.Xml(rng);
            File.WriteAllBytes(file, bytes);
            var output = Path.Combine(caseFolder, "out");
            var share = rng.Next(3) == 0 ? 0.01 : 0.5;
            Xml130Report? report = null;
            string? Verify() => VerifyXml(file, output, report!);
            try
            {
                report = Xml130Converter.Convert(new Xml130Options([file], seedFolder, output, MaxRejectShare: share));
            }
            catch (Xml130FailedException e)
            {
                if (Directory.Exists(output) || Directory.GetDirectories(caseFolder, ".out.partial-*").Length > 0)
                    return ("partial", mutation, "refused but --out (or its partial folder) exists: " + e.Message);
                var problem = FuzzChecks.Problem(e.Message, null) ?? Rejects(e.Report);
                return problem is null ? ("refused", mutation, e.Message + " — " + FirstReason(e.Report)) : ("unclear", mutation, problem + ": " + e.Message);
            }
            catch (Exception e) when (e is ArgumentException or SnapshotRejectedException)
            {
                var problem = FuzzChecks.Problem(e.Message, null);
                if (Directory.Exists(output)) return ("partial", mutation, "refused but --out exists: " + e.Message);
                return problem is null ? ("refused", mutation, e.Message) : ("unclear", mutation, $"{e.GetType().Name}: {problem}: {e.Message}");
            }
            catch (Exception e)
            {
                return ("crash", mutation, $"{e.GetType().FullName}: {e.Message}\n{e.StackTrace}");
            }
            string? check;
            try { check = Verify() ?? Rejects(report); }
            catch (Exception e) { check = $"check failed: {e.GetType().Name}: {e.Message}"; }
            return check is null ? ("loaded", mutation, "") : ("wrong", mutation, check);
        }

        static string FirstReason(Xml130Report r) => r.Rejects.FirstOrDefault() is { } x ? $"{x.Field}: {x.Reason}" : "";

        /// <summary>Every rejected episode names its file and field and gives a clear Vietnamese reason.</summary>
        static string? Rejects(Xml130Report r)
        {
            foreach (var x in r.Rejects)
            {
                if (string.IsNullOrEmpty(x.File) || string.IsNullOrEmpty(x.Field)) return $"reject without file or field: {x.Reason}";
                if (FuzzChecks.Problem(x.Reason, null) is { } p) return $"reject reason ({x.Field}): {p}: {x.Reason}";
            }
            return null;
        }

        string? VerifyXml(string file, string output, Xml130Report report)
        {
            if (!report.Succeeded) return "converter returned without success";
            var m = Warehouse.Snapshots.Manifest.Read(output);
            foreach (var f in m.Files)
                if (FuzzInputs.Sha(Path.Combine(output, f.Name)) != f.Sha256 || CountRows(Path.Combine(output, f.Name)) != f.Rows)
                    return $"{f.Name} does not match the output manifest";
            if (m.File(SnapshotContract.Encounters.Name).Rows != report.Encounters) return "encounters in the output differ from the report";
            var hosos = CountHoso(file);
            if (hosos != report.Episodes) return $"envelope has {hosos} HOSO, report read {report.Episodes}";
            if (report.Kept + report.Rejected < Math.Min(report.Episodes, 1)) return "no episode accounted for";
            return null;
        }

        /// <summary>HOSO elements in the envelope, read independently of the converter.</summary>
        static long CountHoso(string file)
        {
            using var reader = XmlReader.Create(File.OpenRead(file), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            long n = 0;
            while (reader.Read()) if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "HOSO") n++;
            return n;
        }

        public void Dispose() => db.Dispose();
    }
}
