using System.Globalization;
using Dapper;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Bench;

// dotnet run -c Release --project bench -- [all|load|kpi|marts|ncd|excel|mail] [--province 79] [--scale 0.065] [--dir /tmp/hssk-bench]
// dotnet run -c Release --project bench -- charts [--province 79] [--scale 0.002] [--dir /tmp/hssk-bench-charts]
// dotnet run -c Release --project bench -- pages [--dir /tmp/hssk-bench-pages] [--parts-only]   (the demo province's pages, cached and not; each part of them alone)
// dotnet run -c Release --project bench -- xml130 [--province 79] [--scale 0.065] [--dir /tmp/hssk-bench-xml130]
// dotnet run -c Release --project bench -- programme [--scale 0.065]   |   programme-profile --db <warehouse>   (issue 16: programme step, its stages)
// dotnet run -c Release --project bench -- history [--months 24] [--dir /tmp/hssk-bench-history24] [--keep-snapshots]   (issue 15 §1: history stored once)
// dotnet run -c Release --project bench -- scale [--sizes 1,2,5,10] [--dir /tmp/hssk-scale] [--budget 4GB] [--plot docs/scale-load.png] [--replot]   (issue 15 §2)
// dotnet run -c Release --project bench -- persons-stage --folder <snapshot> [--runs 3]   (issue 15 §2: the persons stage, part by part)
// dotnet run -c Release --project bench -- ncd-endpoints [--db <warehouse>] [--runs 20]   (issue 15 §2: every NCD endpoint uncached)
// dotnet run -c Release --project bench -- boundaries [--source ../shared/data/adminunits/vietnam-3d-map] [--out reports/Maps/communes-2025.bin.gz]
// Generates the ~1M-person snapshot once (in a child process, so the peak memory printed is the load's own),
// then: load (loader vs appender), kpi (mart build, HTTP latency cached/uncached), ncd (estimates, risk model).
static class BenchProgram
{
    static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        var verb = args.FirstOrDefault(a => !a.StartsWith("--")) ?? "all";
        string Opt(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var settings = new BenchSettings(Opt("--province", "79"), double.Parse(Opt("--scale", "0.065"), CultureInfo.InvariantCulture),
            Opt("--dir", Path.Combine(Path.GetTempPath(), "hssk-bench")));

        if (verb == "kill-trials") return await KillTrials.RunAsync(Opt("--dir", Path.Combine(Path.GetTempPath(), "hssk-kill-trials")), args.Contains("--quick"),
            args.Contains("--trials") ? int.Parse(Opt("--trials", "100"), CultureInfo.InvariantCulture) : null);
        if (verb == "fuzz") return await Fuzz.RunAsync(args);
        if (verb == "pgpeer")
            return PgPeer.Run(Path.GetFullPath(Opt("--db", settings.Warehouse)), args.Contains("--snapshot") ? Opt("--snapshot", "") : null,
                Path.GetFullPath(Opt("--dir", Path.Combine(Path.GetTempPath(), "hssk-pgpeer"))), int.Parse(Opt("--runs", "3"), CultureInfo.InvariantCulture), Console.Out);
        if (verb == "attack") return await Attack.RunAsync(Opt("--dir", Path.Combine(Path.GetTempPath(), "hssk-attack")), args.Contains("--quick"), Console.Out);
        if (verb == "siege") return await Siege.RunAsync(Opt("--dir", Path.Combine(Path.GetTempPath(), "hssk-siege")), args.Contains("--quick"), Console.Out);
        if (verb == "generate") { LoadBench.Generate(settings); return 0; }
        if (verb == "scale")
            return ScaleBench.Run(Opt("--dir", Path.Combine(Path.GetTempPath(), "hssk-scale")),
                args.Contains("--replot") ? [] : [.. Opt("--sizes", "1,2,5,10").Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture))],
                args.Contains("--budget") ? Opt("--budget", "") : null, args.Contains("--plot") ? Opt("--plot", "") : null, Console.Out);
        if (verb == "scale-load") return ScaleBench.LoadOne(Opt("--folder", ""), Opt("--db", ""), args.Contains("--budget") ? Opt("--budget", "") : null);
        if (verb == "persons-stage") return StageBench.Run(Opt("--folder", ""), int.Parse(Opt("--runs", "3"), CultureInfo.InvariantCulture), Console.Out);
        if (verb == "ncd-endpoints")
            return await NcdEndpointBench.RunAsync(Path.GetFullPath(Opt("--db", settings.Warehouse)), int.Parse(Opt("--runs", "20"), CultureInfo.InvariantCulture), Console.Out);
        if (verb == "history")
            return await HistoryBench.RunAsync(settings with { Dir = Opt("--dir", Path.Combine(Path.GetTempPath(), "hssk-bench-history24")) },
                int.Parse(Opt("--months", "24"), CultureInfo.InvariantCulture), args.Contains("--keep-snapshots"), Console.Out);
        if (verb == "xml130")
        {
            Console.WriteLine("== XML 130 conversion ==");
            Xml130Bench.Run(settings with { Dir = Opt("--dir", Path.Combine(Path.GetTempPath(), "hssk-bench-xml130")) });
            return 0;
        }
        if (verb == "xml130-convert") return Xml130Bench.Convert(settings.Dir, int.Parse(Opt("--every", "1"), CultureInfo.InvariantCulture));
        if (verb == "excel" && File.Exists(settings.Warehouse))
        {
            Console.WriteLine("\n== Excel appendix workbook ==");
            ExcelBench.Run(settings, Console.Out);
            return 0;
        }
        if (verb == "charts")
        {
            Console.WriteLine("== charts and maps ==");
            ChartBench.Run(Opt("--province", "79"), double.Parse(Opt("--scale", "0.002"), CultureInfo.InvariantCulture),
                Opt("--dir", Path.Combine(Path.GetTempPath(), "hssk-bench-charts")));
            return 0;
        }
        if (verb == "boundaries")
            return BoundariesCommand.Run(Opt("--source", "../shared/data/adminunits/vietnam-3d-map"), Opt("--out", "reports/Maps/communes-2025.bin.gz"));
        if (verb == "pages")
        {
            Console.WriteLine("== dashboard pages (demo province) ==");
            await PageBench.RunAsync(Opt("--dir", Path.Combine(Path.GetTempPath(), "hssk-bench-pages")), args.Contains("--parts-only"));
            return 0;
        }
        if (verb == "mail")
        {
            await MailBench.RunAsync(Opt("--province", "20"), double.Parse(Opt("--scale", "0.01"), CultureInfo.InvariantCulture), settings.Dir);
            return 0;
        }
        if (verb == "programme-profile") { ProgrammeBench.Profile(Opt("--db", settings.Warehouse), Console.Out); return 0; }
        if (verb == "programme") { LoadBench.EnsureGenerated(settings); if (!File.Exists(settings.Warehouse)) LoadBench.Run(settings); Console.WriteLine("== programme indicators (issue 16) =="); ProgrammeBench.Run(settings.Warehouse, Opt("--out", settings.Dir + "-programme"), Console.Out); return 0; }
        LoadBench.EnsureGenerated(settings);
        if (verb is "all" or "load" || !File.Exists(settings.Warehouse)) LoadBench.Run(settings);

        if (verb is "all" or "kpi" or "marts")
        {
            Console.WriteLine("\n== KPI marts ==");
            using (var db = new WarehouseDb(settings.Warehouse))
            {
                var snapshot = LoadBench.SnapshotId(settings);
                long persons;
                using (var c = db.Open()) persons = c.ExecuteScalar<long>("SELECT count(*) FROM fact_record WHERE snapshot_id = $sid", new { sid = snapshot });
                for (var run = 1; run <= 3; run++)
                {
                    var seconds = KpiMarts.Rebuild(db, snapshot);
                    Console.WriteLine($"  mart build run {run}: {seconds:0.00} s for {persons:N0} persons = {seconds / (persons / 1e6):0.00} s per million");
                }
            }
            if (verb == "marts") return 0;
            Console.WriteLine("\n== commune-coverage endpoint on 127.0.0.1 ==");
            // Bounded load: 1, 4 and 8 concurrent clients (client and server share the 2 cores). Uncached at 2 concurrent,
            // the server's cap on heavy queries.
            foreach (var clients in new[] { 1, 4, 8 })
                await HttpBench.RunAsync(settings.Warehouse, cachedConcurrency: clients, uncachedRequests: clients == 1 ? 300 : 100, log: Console.Out);
        }

        if (verb is "all" or "excel")
        {
            Console.WriteLine("\n== Excel appendix workbook ==");
            ExcelBench.Run(settings, Console.Out);
        }

        if (verb is "all" or "ncd")
        {
            Console.WriteLine("\n== NCD estimates and risk model ==");
            // The risk model needs history: three monthly ~1M-person snapshots in their own warehouse.
            var history = settings with { Dir = settings.Dir + "-history" };
            LoadBench.EnsureHistory(history, new DateOnly(2025, 7, 1), new DateOnly(2025, 9, 1));
            using var db = new WarehouseDb(history.Warehouse);
            var t = NcdBenchmark.Run(db);
            Console.WriteLine($"  {t.Snapshots} snapshots, {t.Adults:N0} adults in the latest");
            Console.WriteLine($"  case definitions (all snapshots) {t.CaseDefinitionsSeconds:0.0} s; all estimates incl. case definitions {t.EstimatesSeconds:0.0} s; train + score risk model {t.ModelSeconds:0.0} s");
            if (new RiskModels(db).Latest() is { } card)
                foreach (var line in NcdBenchmark.ModelLines(card)) Console.WriteLine(line);
        }
        return 0;
    }
}
