using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Synthetic;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;

namespace HoSoSucKhoe.Api.Demo;

/// <summary>
/// The embedded default: with no arguments the app generates a demo province (Hà Nội at 0.5 %, monthly snapshots
/// from January to October 2025, across the 1 July 2025 reform), loads it, and serves it. Everything it makes — the
/// snapshots, the warehouse, the pseudonymisation key and the demo's API keys — lives in one folder, reused by later
/// starts (<see cref="DefaultFolder"/>, relative to api/ where <c>dotnet run</c> starts the app).
/// </summary>
public sealed class DemoWarehouse(string folder)
{
    public const string DefaultFolder = "demo";

    public string Folder { get; } = folder;

    public GeneratorOptions Options { get; } =
        new("01", 0.005, new DateOnly(2025, 1, 1), new DateOnly(2025, 10, 1), Path.Combine(folder, "snapshots"));

    public string DatabasePath => Path.Combine(Folder, "hssk-demo.duckdb");

    /// <summary>The demo's API keys, one per role (<see cref="DemoCredentials"/>).</summary>
    public string CredentialsPath => Path.Combine(Folder, "demo-keys.json");

    /// <summary>The demo's web users, one per role (<see cref="DemoUsers"/>).</summary>
    public string UsersPath => Path.Combine(Folder, "demo-users.json");

    /// <summary>Returns the demo's pseudonymisation key (created on first use, kept beside the demo database).</summary>
    public string Key()
    {
        var path = Path.Combine(Folder, "pseudonym.key");
        Directory.CreateDirectory(Folder);
        if (!File.Exists(path)) File.WriteAllText(path, Pseudonymiser.NewKey());
        return File.ReadAllText(path).Trim();
    }

    public void EnsureCreated(TextWriter log)
    {
        if (File.Exists(DatabasePath)) return;
        log.WriteLine(string.Create(System.Globalization.CultureInfo.GetCultureInfo("vi-VN"),
            $"Chưa có kho demo: tạo tỉnh mẫu Hà Nội (tỉ lệ {Options.Scale:P1}) và nạp vào {Path.GetFullPath(DatabasePath)}…"));
        IReadOnlyList<string> folders;
        using (var progress = new LineProgress(log)) folders = SyntheticProvince.Generate(Options, progress);
        var building = DatabasePath + ".building";
        File.Delete(building);
        using (var db = new WarehouseDb(building))
        using (var progress = new LineProgress(log))
        {
            PopulationLoader.Load(db, Path.Combine(Options.OutDir, "population.csv"));
            Pipeline.Loader(db, new Pseudonymiser(Key())).LoadAll(folders, replace: false, progress);
        }
        File.Move(building, DatabasePath);
        log.WriteLine("Kho demo đã sẵn sàng.");
    }
}
