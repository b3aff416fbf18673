using System.Diagnostics;
using Dapper;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Bench;

/// <summary>Issue 16 §3: the programme indicators (18 months, both diseases, every commune) on the ~1M-person snapshot,
/// against the NCD case-definition step of the same run, and the month / trend query latency uncached.</summary>
public static class ProgrammeBench
{
    /// <summary>Works on a copy of the bench warehouse (<paramref name="source"/>) in <paramref name="dir"/>; rewrites
    /// ncd_* tables of the copy only.</summary>
    public static void Run(string source, string dir, TextWriter log)
    {
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "programme.duckdb");
        File.Copy(source, path, overwrite: true);
        File.Delete(path + ".wal");
        using var db = new WarehouseDb(path);
        List<LoadedSnapshot> snapshots;
        using (var c = db.Open()) snapshots = [.. SnapshotCatalog.All(c)];
        var latest = snapshots[^1];
        long adults, communes;
        using (var c = db.Open())
        {
            // Baseline: the NCD case-definition step (which also runs the programme step); then the programme step alone.
            c.Execute("DELETE FROM ncd_done");
            c.Execute("DELETE FROM ncd_prog_done");
        }
        var sw = Stopwatch.StartNew();
        NcdMarts.EnsureComputed(db);
        var withProgramme = sw.Elapsed.TotalSeconds;
        var firstProgramme = ProgrammeMarts.Seconds(db, latest.SnapshotId) ?? double.NaN;
        using (var c = db.Open())
        {
            adults = c.ExecuteScalar<long>("SELECT count(*) FROM ncd_person WHERE snapshot_id = $s", new { s = latest.SnapshotId });
            communes = c.ExecuteScalar<long>("SELECT count(DISTINCT ward_code) FROM ncd_prog_month WHERE snapshot_id = $s", new { s = latest.SnapshotId });
        }
        log.WriteLine($"  snapshot {latest.SnapshotId} (as of {latest.AsOf:dd/MM/yyyy}), {adults:N0} adults, {communes:N0} communes in ncd_prog_month");
        log.WriteLine($"  baseline: NCD after-load step incl. programme {withProgramme:0.00} s, of which programme {firstProgramme:0.00} s " +
                      $"= NCD case definitions alone {withProgramme - firstProgramme:0.00} s");

        var runs = new List<double>();
        for (var run = 1; run <= 3; run++)
        {
            using (var c = db.Open()) c.Execute("DELETE FROM ncd_prog_done");
            sw.Restart();
            ProgrammeMarts.EnsureComputed(db);
            runs.Add(sw.Elapsed.TotalSeconds);
            log.WriteLine($"  programme indicators, 18 months × 2 diseases × all communes, run {run}: {runs[^1]:0.00} s (target < 5 s)");
        }

        var queries = new ProgrammeQueries(db);
        foreach (var disease in new[] { "htn", "dm" })
        {
            var month = new List<double>();
            var trend = new List<double>();
            for (var i = 0; i < 7; i++)
            {
                queries.Forget();
                sw.Restart();
                queries.Month(latest, snapshots, disease);
                month.Add(sw.Elapsed.TotalMilliseconds);
                queries.Forget();
                sw.Restart();
                queries.Trend(latest, snapshots, disease);
                trend.Add(sw.Elapsed.TotalMilliseconds);
            }
            log.WriteLine($"  {disease}: month query uncached p50 {Median(month):0} ms, trend (18 months) uncached p50 {Median(trend):0} ms (7 runs each)");
        }
    }

    /// <summary>Seconds of each stage of the programme step for the latest snapshot of <paramref name="path"/> (rolled back).</summary>
    public static void Profile(string path, TextWriter log)
    {
        using var db = new WarehouseDb(path);
        LoadedSnapshot latest;
        using (var c = db.Open()) latest = SnapshotCatalog.All(c)[^1];
        var stages = ProgrammeMarts.Profile(db, latest.SnapshotId, latest.AsOf, (s, t) => log.WriteLine($"    {s}: {t:0.00} s"));
        log.WriteLine($"  programme step of {latest.SnapshotId}: " + string.Join(", ", stages.Select(s => $"{s.Stage} {s.Seconds:0.00} s")) +
                      $" = {stages.Sum(s => s.Seconds):0.00} s");
    }

    static double Median(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }
}
