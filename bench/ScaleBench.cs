using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Bench;

/// <summary>One load measured in its own process: stages, total, peak memory (VmHWM) and the budget in force.</summary>
public sealed record ScalePoint(long Records, long Rows, double Seconds, double PeakGb, string Budget, double FileGb,
    IReadOnlyDictionary<string, double> Stages);

/// <summary>
/// Issue 15 §2: how loading grows with the province. <c>scale [--sizes 1,2,5,10] [--dir d] [--budget 4GB]</c> generates
/// one snapshot of Hồ Chí Minh City (79) per size in millions of records (a child process, once; kept in the folder),
/// loads each into a new warehouse in a child process of its own (so the peak printed is that load's alone), and prints
/// a table of time, throughput, peak memory and stages, keeps the points in <c>scale.json</c> and draws the figure
/// (<c>--plot</c>: time and peak memory against size; <c>--replot</c> draws it again from <c>scale.json</c>).
/// </summary>
public static class ScaleBench
{
    /// <summary>Records per unit of the generator's scale for province 79 (834.642 records at 0,065).</summary>
    const double RecordsPerScale = 834_642 / 0.065;

    public static int Run(string dir, IReadOnlyList<double> millions, string? budget, string? plot, TextWriter log)
    {
        Directory.CreateDirectory(dir);
        var saved = Path.Combine(dir, "scale.json");
        if (millions.Count == 0)
        {
            // --replot: the figure again from the points of the last run
            if (plot is not null) Plot(JsonSerializer.Deserialize<List<ScalePoint>>(File.ReadAllText(saved))!, plot);
            return 0;
        }
        var self = typeof(ScaleBench).Assembly.Location;
        var points = new List<ScalePoint>();
        foreach (var m in millions)
        {
            var name = m.ToString("0.##", CultureInfo.InvariantCulture) + "m";
            var data = Path.Combine(dir, name);
            var snapshots = Path.Combine(data, "snapshots");
            if (!Directory.Exists(snapshots) || Directory.GetDirectories(snapshots).Length == 0)
            {
                var scale = (m * 1e6 / RecordsPerScale).ToString("0.####", CultureInfo.InvariantCulture);
                log.WriteLine($"generating {name} (scale {scale})…");
                if (Child(self, ["generate", "--province", "79", "--scale", scale, "--dir", data], log, out _) != 0) return 1;
            }
            var db = Path.Combine(dir, name + ".duckdb");
            foreach (var f in new[] { db, db + ".wal" }) File.Delete(f);
            if (Directory.Exists(db + ".tmp")) Directory.Delete(db + ".tmp", true);
            log.WriteLine($"loading {name}…");
            string[] args = ["scale-load", "--folder", Directory.GetDirectories(snapshots).Single(), "--db", db, .. budget is null ? Array.Empty<string>() : ["--budget", budget]];
            if (Child(self, args, log, out var json) != 0) return 1;
            var point = JsonSerializer.Deserialize<ScalePoint>(json)!;
            points.Add(point);
            log.WriteLine(Describe(point));
            File.Delete(db); // 5-10 GB each: the next size needs the disk
        }
        File.WriteAllText(saved, JsonSerializer.Serialize(points));
        log.WriteLine();
        log.WriteLine("| records | rows (4 tables) | load | rows/s | peak memory | budget | file |");
        log.WriteLine("|---:|---:|---:|---:|---:|---|---:|");
        foreach (var p in points)
            log.WriteLine(string.Create(Vi, $"| {p.Records:N0} | {p.Rows:N0} | {p.Seconds:N1} s | {p.Rows / p.Seconds / 1e6:N2} M | {p.PeakGb:N2} GB | {p.Budget} | {p.FileGb:N2} GB |"));
        log.WriteLine();
        var stages = points.SelectMany(p => p.Stages.Keys).Distinct().ToList();
        log.WriteLine("| stage (s) | " + string.Join(" | ", points.Select(p => string.Create(Vi, $"{p.Records / 1e6:N1}M"))) + " | s per million at the largest |");
        log.WriteLine("|---|" + string.Concat(points.Select(_ => "---:|")) + "---:|");
        foreach (var s in stages)
            log.WriteLine($"| {s} | " + string.Join(" | ", points.Select(p => p.Stages.TryGetValue(s, out var v) ? v.ToString("N1", Vi) : "")) +
                          $" | {points[^1].Stages.GetValueOrDefault(s) / (points[^1].Records / 1e6):N2} |".Replace('.', ','));
        if (plot is not null) Plot(points, plot);
        return 0;
    }

    static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");

    static string Describe(ScalePoint p) => string.Create(CultureInfo.InvariantCulture,
        $"  {p.Records:N0} records, {p.Rows:N0} rows: {p.Seconds:0.0} s ({p.Rows / p.Seconds / 1e6:0.00} M rows/s), peak {p.PeakGb:0.00} GB (budget {p.Budget}), file {p.FileGb:0.00} GB");

    /// <summary>The child: one load, its result as one JSON line on standard output (last line).</summary>
    public static int LoadOne(string folder, string db, string? budget)
    {
        var manifest = Manifest.Read(folder);
        LoadResult r;
        string inForce;
        using (var warehouse = new WarehouseDb(db, budget))
        {
            inForce = warehouse.MemoryBudget;
            r = Pipeline.Loader(warehouse, new Pseudonymiser("bench-key-0123456789")).Load(folder, progress: new Progress<ProgressUpdate>(u => Console.Error.WriteLine(u.Text)));
        }
        var point = new ScalePoint(r.Persons, r.Persons + r.Encounters + r.Labs + r.Medications, r.Seconds, Memory.PeakGb(), inForce,
            new FileInfo(db).Length / 1e9, r.StageSeconds);
        Console.WriteLine(JsonSerializer.Serialize(point));
        return manifest.SnapshotId.Length > 0 ? 0 : 1;
    }

    static int Child(string self, string[] args, TextWriter log, out string lastLine)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
        info.ArgumentList.Add(self);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var last = "";
        while (p.StandardOutput.ReadLine() is { } line)
        {
            last = line;
            if (!line.StartsWith('{')) log.WriteLine("    " + line);
        }
        p.WaitForExit();
        lastLine = last;
        if (p.ExitCode != 0) log.WriteLine($"child '{string.Join(' ', args)}' failed with exit code {p.ExitCode}");
        return p.ExitCode;
    }

    /// <summary>Load time and peak memory against records, two axes, Vietnamese labels (the figure in docs/performance.md).</summary>
    static void Plot(IReadOnlyList<ScalePoint> points, string path)
    {
        var plot = new ScottPlot.Plot();
        var x = points.Select(p => p.Records / 1e6).ToArray();
        var time = plot.Add.Scatter(x, points.Select(p => p.Seconds / 60).ToArray());
        time.LegendText = "thời gian nạp (phút)";
        time.LineWidth = 2;
        time.MarkerSize = 8;
        var memory = plot.Add.Scatter(x, points.Select(p => p.PeakGb).ToArray());
        memory.LegendText = "bộ nhớ đỉnh (GB)";
        memory.LineWidth = 2;
        memory.MarkerSize = 8;
        memory.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Left.Label.Text = "phút";
        plot.Axes.Right.Label.Text = "GB";
        plot.Axes.Bottom.Label.Text = "số hồ sơ (triệu)";
        plot.Title("Nạp một ảnh chụp theo quy mô tỉnh (TP. Hồ Chí Minh mô phỏng)");
        plot.Axes.SetLimitsY(0, Math.Max(10, points.Max(p => p.Seconds / 60) * 1.15), plot.Axes.Left);
        plot.Axes.SetLimitsY(0, 8.5, plot.Axes.Right);
        var budget = plot.Add.HorizontalLine(8, 1, ScottPlot.Colors.Red, ScottPlot.LinePattern.Dashed);
        budget.Axes.YAxis = plot.Axes.Right;
        budget.LegendText = "giới hạn 8 GB";
        var target = plot.Add.HorizontalLine(10, 1, ScottPlot.Colors.Gray, ScottPlot.LinePattern.Dotted);
        target.LegendText = "mục tiêu 10 phút";
        string Vn(double v) => v.ToString("0.#", Vi);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = Vn };
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = Vn };
        plot.Axes.Right.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = Vn };
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        plot.SavePng(path, 900, 500);
    }
}
