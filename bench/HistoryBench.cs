using System.Diagnostics;
using Dapper;
using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Synthetic;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Bench;

/// <summary>
/// Issue 15 §1: <c>months</c> monthly snapshots of the ~1M-person province loaded one after the other into one
/// warehouse, history stored once. After each load: load time, the file's size (checkpointed), rows stored and rows as
/// read. Targets: all the snapshots in &lt; 2× the storage of the latest (largest) one loaded alone; the last load no slower than the second; the
/// commune list's latency on the full warehouse as on a warehouse of one snapshot (measured in the same run).
/// </summary>
static class HistoryBench
{
    public static async Task<int> RunAsync(BenchSettings s, int months, bool keepSnapshots, TextWriter log)
    {
        var to = new DateOnly(2025, 9, 1);
        var from = to.AddMonths(-(months - 1));
        var snapshots = Path.Combine(s.Dir, "snapshots");
        var folders = Directory.Exists(snapshots)
            ? Directory.GetDirectories(snapshots).Where(d => File.Exists(Path.Combine(d, Manifest.FileName))).Order(StringComparer.Ordinal).ToList()
            : [];
        if (folders.Count != months)
        {
            if (Directory.Exists(snapshots)) Directory.Delete(snapshots, recursive: true);
            var sw = Stopwatch.StartNew();
            folders = [.. SyntheticProvince.Generate(new GeneratorOptions(s.Province, s.Scale, from, to, snapshots))];
            log.WriteLine($"generated {folders.Count} monthly snapshots {from:yyyy-MM} … {to:yyyy-MM} in {sw.Elapsed.TotalSeconds:0} s");
        }
        var path = Path.Combine(s.Dir, "history.duckdb");
        var one = Path.Combine(s.Dir, "one.duckdb");
        foreach (var f in new[] { path, path + ".wal", one }) File.Delete(f);

        log.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        log.WriteLine(" n  snapshot          persons  encounters     load s  commit s  file MB  stored rows  rows as read  stored/read");
        var sizes = new List<double>();
        var loads = new List<double>();
        using (var db = new WarehouseDb(path))
        {
            var loader = Pipeline.Loader(db, new Pseudonymiser("bench-key-0123456789"));
            for (var i = 0; i < folders.Count; i++)
            {
                var r = loader.Load(folders[i]);
                long stored, read;
                using (var c = db.Open())
                {
                    c.Execute("CHECKPOINT");
                    stored = FactHistory.Tables.Concat(FactHistory.Derived).Sum(t => c.ExecuteScalar<long>($"SELECT count(*) FROM {t}_rows"));
                    read = FactHistory.Tables.Concat(FactHistory.Derived).Sum(t => c.ExecuteScalar<long>($"SELECT count(*) FROM {t}"));
                }
                var mb = new FileInfo(path).Length / 1048576.0;
                sizes.Add(mb);
                loads.Add(r.Seconds);
                var commit = r.StageSeconds.Where(x => x.Key.StartsWith("commit", StringComparison.Ordinal)).Sum(x => x.Value);
                log.WriteLine($"{i + 1,2}  {r.SnapshotId,-15} {r.Persons,9:N0} {r.Encounters,11:N0} {r.Seconds,10:0.0} {commit,9:0.0} {mb,8:0} {stored,12:N0} {read,13:N0} {(double)stored / read,11:0.000}");
                if (!keepSnapshots && i > 0) Directory.Delete(folders[i - 1], recursive: true);
            }
            var last = folders.Count - 1;
            // The baseline: the latest snapshot (the largest) loaded alone into an empty warehouse.
            using (var alone = new WarehouseDb(one))
            {
                var r = Pipeline.Loader(alone, new Pseudonymiser("bench-key-0123456789")).Load(folders[last]);
                using var c = alone.Open();
                c.Execute("CHECKPOINT");
                log.WriteLine($"the latest snapshot alone: load {r.Seconds:0.0} s, file {new FileInfo(one).Length / 1048576.0:0} MB");
            }
            var oneMb = new FileInfo(one).Length / 1048576.0;
            log.WriteLine($"storage: {folders.Count} snapshots {sizes[last]:0} MB = {sizes[last] / oneMb:0.00}× the storage of the latest one alone ({oneMb:0} MB); target < 2×");
            if (folders.Count > 2)
                log.WriteLine($"load time: snapshot 2 {loads[1]:0.0} s, snapshot {folders.Count} {loads[last]:0.0} s (target: no longer)");
            using var c2 = db.Open();
            foreach (var (t, stored, read) in FactHistory.Tables.Concat(FactHistory.Derived).Select(t => (t, c2.ExecuteScalar<long>($"SELECT count(*) FROM {t}_rows"), c2.ExecuteScalar<long>($"SELECT count(*) FROM {t}"))))
                log.WriteLine($"  {t,-16} stored {stored,12:N0}  as read {read,13:N0}  ({(double)read / stored:0.0}× fewer)");
            log.WriteLine("  storage by table (256 KB blocks in use), largest first:");
            var tables = c2.Query<string>("SELECT table_name FROM duckdb_tables() WHERE database_name = 'wh'").ToList();
            foreach (var (t, mb) in tables.Select(t => (t, c2.ExecuteScalar<long>($"SELECT count(DISTINCT block_id) FROM pragma_storage_info('wh.main.{t}') WHERE block_id >= 0") / 4.0))
                         .OrderByDescending(x => x.Item2).Take(12))
                log.WriteLine($"    {t,-26} {mb,8:0.0} MB");
            var blocks = c2.QuerySingle<(long Total, long Free)>("SELECT total_blocks, free_blocks FROM pragma_database_size() WHERE database_name = 'wh'");
            log.WriteLine($"  file: {blocks.Total / 4.0:0} MB in blocks, of which {blocks.Free / 4.0:0} MB free (reused by later writes)");
        }

        log.WriteLine("\n== commune list /api/coverage/communes, the latest snapshot alone vs all, same run ==");
        foreach (var (name, file) in new[] { ("latest snapshot alone", one), ($"{folders.Count} snapshots", path) })
        {
            log.WriteLine(name + ":");
            await HttpBench.RunAsync(file, cachedConcurrency: 1, uncachedRequests: 300, log: log);
        }
        return 0;
    }
}
