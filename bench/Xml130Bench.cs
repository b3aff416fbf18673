using System.Diagnostics;
using System.Globalization;
using HoSoSucKhoe.Synthetic;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Snapshots;
using HoSoSucKhoe.Warehouse.Xml130;

namespace HoSoSucKhoe.Bench;

/// <summary>
/// Issue 13 §4: the facility visits of the last month of the ~1M-person province written as XML 130 envelopes, then
/// converted by the xml130 converter at two batch sizes (a quarter of the files, all of them), each in its own child
/// process so the peak memory printed is that conversion's alone. Prints episodes/s (reading + parsing + matching +
/// spooling, and end to end with writing the snapshot) and the peak working set and managed heap.
/// </summary>
public static class Xml130Bench
{
    public static void Run(BenchSettings s)
    {
        LoadBench.EnsureGenerated(s);
        var snapshot = Directory.GetDirectories(s.Snapshots).First(d => File.Exists(Path.Combine(d, Manifest.FileName)));
        var manifest = Manifest.Read(snapshot);
        var xml = Path.Combine(s.Dir, "xml130");
        var registry = Path.Combine(s.Dir, "registry");
        var since = new DateOnly(manifest.AsOf.Year, manifest.AsOf.Month, 1);
        if (!File.Exists(Path.Combine(registry, Manifest.FileName)))
        {
            if (Directory.Exists(xml)) Directory.Delete(xml, recursive: true);
            var sw = Stopwatch.StartNew();
            var written = Xml130Export.Write(snapshot, xml, registry, since);
            Console.WriteLine($"  export: {written:N0} episodes since {since:yyyy-MM-dd} in {sw.Elapsed.TotalSeconds:0.0} s");
        }
        var files = Directory.GetFiles(xml, "*.xml");
        Console.WriteLine($"snapshot {manifest.SnapshotId}: {files.Length:N0} GIAMDINHHS files, {files.Sum(f => new FileInfo(f).Length) / 1e6:N0} MB, " +
                          $"registry {Manifest.Read(registry).Files.Single(f => f.Name == SnapshotContract.Persons.Name).Rows:N0} records");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        foreach (var every in new[] { 4, 1 })
        {
            var self = typeof(Xml130Bench).Assembly.Location;
            var p = Process.Start(new ProcessStartInfo("dotnet", [self, "xml130-convert", "--dir", s.Dir, "--every", every.ToString(CultureInfo.InvariantCulture)]))!;
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException("conversion failed");
        }
    }

    /// <summary>The child: converts every <paramref name="every"/>-th file of the export onto the registry.</summary>
    public static int Convert(string dir, int every)
    {
        var files = Directory.GetFiles(Path.Combine(dir, "xml130"), "*.xml").Order(StringComparer.Ordinal).Where((_, i) => i % every == 0).ToList();
        var output = Path.Combine(dir, $"converted-{every}");
        long peakHeap = 0;
        using var sampler = new Timer(_ => { var h = GC.GetTotalMemory(false); if (h > peakHeap) peakHeap = h; }, null, 0, 20);
        var phases = new Phases();
        phases.Mark("start");
        var report = Xml130Converter.Convert(new Xml130Options(files, Path.Combine(dir, "registry"), output), phases);
        phases.Mark("end");
        sampler.Dispose();
        var rows = report.Rows;
        var (index, read, write) = (phases.Between("start", "Đọc tệp 1/"), phases.Between("Đọc tệp 1/", "Ghi ảnh chụp"), phases.Between("Ghi ảnh chụp", "end"));
        Console.WriteLine($"\n== xml130: {(every == 1 ? "all files" : $"1 file in {every}")} ({files.Count:N0} files) ==");
        Console.WriteLine($"  episodes {report.Episodes:N0} (kept {report.Kept:N0}, matched {report.Matched:N0}, rejected {report.Rejected:N0}); " +
                          $"rows XML2 {rows.Xml2:N0}, XML4 {rows.Xml4:N0}, XML5 {rows.Xml5:N0} (skipped {rows.SkippedTotal:N0})");
        Console.WriteLine($"  index --persons ({Manifest.Read(Path.Combine(dir, "registry")).Files.Single(f => f.Name == SnapshotContract.Persons.Name).Rows:N0} records) and list files: {report.IndexSeconds:0.00} s (CPU {index.Cpu:0.00} s)");
        Console.WriteLine($"  read + parse + match + spool: {report.ReadSeconds:0.00} s = {report.Episodes / report.ReadSeconds:N0} episodes/s " +
                          $"(CPU {read.Cpu:0.00} s = {report.Episodes / read.Cpu:N0} episodes per CPU second; allocated {read.Allocated / Math.Max(1, report.Episodes) / 1e3:0.0} kB per episode)");
        Console.WriteLine($"  write snapshot (history copied: {report.Encounters - report.Kept:N0} encounters): {report.WriteSeconds:0.00} s (CPU {write.Cpu:0.00} s)");
        Console.WriteLine($"  end to end {report.Seconds:0.00} s = {report.Episodes / report.Seconds:N0} episodes/s");
        Console.WriteLine($"  peak working set {Memory.PeakGb():0.00} GB; peak managed heap {peakHeap / 1e9:0.00} GB; GCs gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
        Directory.Delete(output, recursive: true);
        return 0;
    }

    /// <summary>CPU time and allocated bytes at each progress message, recorded on the converter's own thread.</summary>
    sealed class Phases : IProgress<ProgressUpdate>
    {
        readonly List<(string Label, double Cpu, long Allocated)> _marks = [];

        public void Report(ProgressUpdate value) => Mark(value.Text);

        public void Mark(string label) =>
            _marks.Add((label, Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, GC.GetTotalAllocatedBytes()));

        public (double Cpu, long Allocated) Between(string from, string to)
        {
            var a = _marks.First(m => m.Label.StartsWith(from, StringComparison.Ordinal));
            var b = _marks.First(m => m.Label.StartsWith(to, StringComparison.Ordinal));
            return (b.Cpu - a.Cpu, b.Allocated - a.Allocated);
        }
    }
}
