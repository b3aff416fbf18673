using System.Diagnostics;
using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Reports.Charts;
using HoSoSucKhoe.Reports.Maps;
using HoSoSucKhoe.Synthetic;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Bench;

/// <summary>
/// Issue 10: time to build a province map (PNG and SVG) and a coverage chart for a large province. Generates the province
/// (default Hồ Chí Minh City, 168 communes) at a small scale for three months once, loads its population and snapshots,
/// then times each step over <c>Runs</c> runs after one warm-up. The drawing does not depend on the number of records, only
/// on the communes and their boundaries.
/// </summary>
static class ChartBench
{
    const int Runs = 10;

    public static void Run(string province, double scale, string dir)
    {
        var warehouse = Path.Combine(dir, "charts.duckdb");
        if (!File.Exists(warehouse))
        {
            var sw = Stopwatch.StartNew();
            var folders = SyntheticProvince.Generate(new GeneratorOptions(province, scale, new DateOnly(2025, 7, 1), new DateOnly(2025, 9, 1),
                Path.Combine(dir, "snapshots")));
            using var db0 = new WarehouseDb(warehouse);
            PopulationLoader.Load(db0, Path.Combine(dir, "snapshots", "population.csv"));
            Pipeline.Loader(db0, new Pseudonymiser("bench-key-0123456789")).LoadAll(folders, replace: false);
            Console.WriteLine($"  generated and loaded {folders.Count} snapshots of {province} at {scale} in {sw.Elapsed.TotalSeconds:0} s");
        }
        using var db = new WarehouseDb(warehouse);
        var queries = new CoverageQueries(db);

        var sw2 = Stopwatch.StartNew();
        var boundaries = CommuneBoundaries.Default;
        Console.WriteLine($"  boundaries read (once per process, all 34 provinces): {sw2.Elapsed.TotalMilliseconds:0} ms");
        var table = queries.Children(new CoverageRequest(province));
        var input = new CoverageChartInput(table);
        Console.WriteLine($"  {table.Rows.Count} communes; first map (warm-up, JIT and fonts): "
            + $"{Time(() => ChoroplethMap.Build("coverage", input).Render(ChartFormat.Png)):0} ms");

        Report("CoverageQueries.Children (the figures)", () => queries.Children(new CoverageRequest(province)));
        Report("map: Build (classes)", () => ChoroplethMap.Build("coverage", input));
        var map = ChoroplethMap.Build("coverage", input);
        Report("map: Render PNG", () => map.Render(ChartFormat.Png));
        Report("map: Render SVG", () => map.Render(ChartFormat.Svg));
        Report("map: Build + PNG + SVG", () =>
        {
            var m = ChoroplethMap.Build("coverage", input);
            m.Render(ChartFormat.Png);
            m.Render(ChartFormat.Svg);
        });
        Report("coverage chart: PNG", () => ChartRenderer.Render("coverage", input, ChartFormat.Png));
        Report("coverage chart: SVG", () => ChartRenderer.Render("coverage", input, ChartFormat.Svg));
        var series = new TrendChartInput(queries.Series(province));
        Report("trend chart: PNG + SVG", () =>
        {
            ChartRenderer.Render("trend", series, ChartFormat.Png);
            ChartRenderer.Render("trend", series, ChartFormat.Svg);
        });
        Console.WriteLine($"  sizes: map PNG {map.Render(ChartFormat.Png).Length / 1024} KB, SVG {map.Render(ChartFormat.Svg).Length / 1024} KB; "
            + $"coverage PNG {ChartRenderer.Render("coverage", input, ChartFormat.Png).Length / 1024} KB");
        File.WriteAllBytes(Path.Combine(dir, $"map-{province}.png"), map.Render(ChartFormat.Png));
        File.WriteAllBytes(Path.Combine(dir, $"coverage-{province}.png"), ChartRenderer.Render("coverage", input, ChartFormat.Png));
    }

    static double Time(Action a)
    {
        var sw = Stopwatch.StartNew();
        a();
        return sw.Elapsed.TotalMilliseconds;
    }

    /// <summary>Wall time and the process's CPU time per run: on a shared, loaded machine the CPU time is the steadier figure
    /// (the work is single-threaded; GC threads add a little).</summary>
    static void Report(string what, Action a)
    {
        a();
        var process = Process.GetCurrentProcess();
        var runs = Enumerable.Range(0, Runs).Select(_ =>
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var wall = Time(a);
            process.Refresh();
            return (Wall: wall, Cpu: (process.TotalProcessorTime - cpu).TotalMilliseconds);
        }).ToList();
        var wall = runs.Select(r => r.Wall).Order().ToList();
        var cpu = runs.Select(r => r.Cpu).Order().ToList();
        Console.WriteLine($"  {what}: median {wall[Runs / 2]:0.0} ms wall (max {wall[^1]:0.0}), {cpu[Runs / 2]:0.0} ms CPU ({Runs} runs)");
    }
}
