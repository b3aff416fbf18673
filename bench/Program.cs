using System.Diagnostics;
using System.Globalization;
using HoSoSucKhoe.Bench;

// dotnet run -c Release --project bench -- [load|all] [--province 79] [--scale 0.075] [--dir /tmp/hssk-bench]
// Generates the ~1M-person snapshot once (in a child process, so peak memory below is the load's own), then measures.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var verb = args.FirstOrDefault(a => !a.StartsWith("--")) ?? "all";
string Opt(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
var settings = new BenchSettings(Opt("--province", "79"), double.Parse(Opt("--scale", "0.075"), CultureInfo.InvariantCulture),
    Opt("--dir", Path.Combine(Path.GetTempPath(), "hssk-bench")));

switch (verb)
{
    case "generate":
        LoadBench.Generate(settings);
        return 0;
    case "load":
        LoadBench.EnsureGenerated(settings);
        LoadBench.Run(settings);
        return 0;
    default:
        LoadBench.EnsureGenerated(settings);
        LoadBench.Run(settings);
        return 0;
}
