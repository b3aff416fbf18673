using System.Diagnostics;
using System.Globalization;
using Apache.Arrow.Ipc;
using Dapper;
using DuckDB.NET.Data;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Bench;

/// <summary>
/// Issue 15 §2: where the persons stage goes. <c>persons-stage --folder &lt;snapshot&gt; [--runs 3]</c> reads persons.arrow
/// (1) through the loader's stream alone, (2) with the keyed hashes, (3) into DuckDB without and (4) with them, as the
/// loader stages it, and prints each run's seconds and rows per second.
/// </summary>
public static class StageBench
{
    public static int Run(string folder, int runs, TextWriter log)
    {
        var path = Path.Combine(folder, SnapshotContract.Persons.Name);
        if (!File.Exists(path))
        {
            log.WriteLine($"persons-stage: no {SnapshotContract.Persons.Name} in '{folder}' (--folder <snapshot folder>)");
            return 2;
        }
        var pseudonymiser = new Pseudonymiser("bench-key-0123456789");
        long rows = 0;
        void Measure(string what, Func<long> run)
        {
            var seconds = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var sw = Stopwatch.StartNew();
                rows = run();
                seconds.Add(sw.Elapsed.TotalSeconds);
            }
            seconds.Sort();
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {what,-44} {string.Join(" · ", seconds.Select(s => s.ToString("0.00", CultureInfo.InvariantCulture)))} s  median {rows / seconds[seconds.Count / 2] / 1e6:0.00} M rows/s"));
        }
        long Drain(Pseudonymiser? p)
        {
            using var stream = new NumberedStream(new ArrowFileReader(File.OpenRead(path)), SnapshotContract.Persons, p);
            long n = 0;
            while (stream.ReadNextRecordBatchAsync().AsTask().Result is { } b) n += b.Length;
            return n;
        }
        long Stage(Pseudonymiser? p)
        {
            using var c = new DuckDBConnection("Data Source=:memory:");
            c.Open();
            using var stream = new NumberedStream(new ArrowFileReader(File.OpenRead(path)), SnapshotContract.Persons, p);
            ArrowScan.Run(c, stream, "src", "CREATE TABLE stage_persons AS SELECT * FROM src");
            return c.ExecuteScalar<long>("SELECT count(*) FROM stage_persons");
        }
        log.WriteLine($"persons stage of {path}:");
        Measure("stream only", () => Drain(null));
        Measure("stream + keyed hashes", () => Drain(pseudonymiser));
        Measure("into DuckDB, no hashes", () => Stage(null));
        Measure("into DuckDB with hashes (the loader's stage)", () => Stage(pseudonymiser));
        return 0;
    }
}
