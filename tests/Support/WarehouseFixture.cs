using System.Diagnostics;
using System.Text.Json;
using Dapper;
using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Synthetic;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;

namespace HoSoSucKhoe.Tests.Support;

/// <summary>
/// Shares one generated province and its loaded warehouse among test classes: put <c>[Collection("warehouse")]</c>
/// on the class and take <see cref="WarehouseFixture"/> in its constructor. Generated once per test run.
/// </summary>
[CollectionDefinition("warehouse")]
public sealed class WarehouseCollection : ICollectionFixture<WarehouseFixture>;

/// <summary>
/// A small generated province, monthly snapshots from May to September 2025 (two legacy, three 2025, so both code
/// systems and the reform are covered), its population.csv loaded and every snapshot loaded through
/// <see cref="Pipeline.Loader"/> (after-load steps included) into a DuckDB file in a temp folder.
/// Treat <see cref="Db"/> as read-only; a test that changes data works on <see cref="CopyDatabase"/>.
/// </summary>
public sealed class WarehouseFixture : IDisposable
{
    public const string Key = "test-key-0123456789";

    /// <summary>Lạng Sơn at 1 %: ~7,800 records; untouched by the 2025 province merger (one legacy province, 11 old
    /// districts), with partially split old communes (approximate bridged figures) and communes without a 2025
    /// population (no denominator).</summary>
    public static readonly GeneratorOptions Template =
        new("20", 0.01, new DateOnly(2025, 5, 1), new DateOnly(2025, 9, 1), "", 20250701);

    public string Root { get; }
    public GeneratorOptions Options { get; }
    public IReadOnlyList<string> SnapshotFolders { get; }
    public string PopulationCsv { get; }
    public string DbPath { get; }
    public WarehouseDb Db { get; }
    public JsonElement Truth { get; }
    public TimeSpan GenerateTime { get; }
    public TimeSpan LoadTime { get; }

    public WarehouseFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "hssk-tests-" + Guid.NewGuid().ToString("N")[..8]);
        Options = Template with { OutDir = Path.Combine(Root, "snapshots") };
        var watch = Stopwatch.StartNew();
        SnapshotFolders = SyntheticProvince.Generate(Options);
        GenerateTime = watch.Elapsed;
        PopulationCsv = Path.Combine(Options.OutDir, "population.csv");
        using (var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Options.OutDir, "truth.json"))))
            Truth = doc.RootElement.Clone();

        watch.Restart();
        DbPath = Path.Combine(Root, "warehouse.duckdb");
        Db = new WarehouseDb(DbPath);
        PopulationLoader.Load(Db, PopulationCsv);
        Loader(Db).LoadAll(SnapshotFolders, replace: false);
        LoadTime = watch.Elapsed;
    }

    /// <summary>The loader every test uses: the application's composition (marts included) with the test key.</summary>
    public static SnapshotLoader Loader(WarehouseDb db) => Pipeline.Loader(db, new Pseudonymiser(Key));

    /// <summary>A private copy of the loaded warehouse (checkpointed first) for tests that load or replace data.</summary>
    public string CopyDatabase()
    {
        using (var c = Db.Open()) c.Execute("CHECKPOINT");
        var path = Path.Combine(Root, "copy-" + Guid.NewGuid().ToString("N")[..8] + ".duckdb");
        File.Copy(DbPath, path);
        return path;
    }

    /// <summary>A fresh folder under the fixture's temp root (deleted with it).</summary>
    public string NewFolder(string name)
    {
        var path = Path.Combine(Root, name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        Db.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
