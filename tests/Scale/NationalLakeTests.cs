using System.Net;
using System.Text.Json;
using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Synthetic;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Lake;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Reference;

namespace HoSoSucKhoe.Tests.Scale;

/// <summary>The national level (issue 15 §4) with three generated provinces, each in its own warehouse: their lakes
/// (<c>export-lake</c>) imported into one national warehouse (<c>import-lake</c>) give, for each province, exactly its
/// own province row and commune table, and a national total equal to the sums of the three; re-importing replaces
/// rather than adds; a changed lake is refused with the national warehouse unchanged; the national table is served
/// to national-scope callers only.</summary>
[Collection("warehouse")]
public sealed class NationalLakeTests(WarehouseFixture fixture)
{
    static (int Code, string Output, string Error) Run(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = Commands.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>A small province of one 2025 snapshot (September 2025) in its own warehouse.</summary>
    string Province(string code, double scale)
    {
        var root = fixture.NewFolder("province-" + code);
        var options = new GeneratorOptions(code, scale, new DateOnly(2025, 9, 1), new DateOnly(2025, 9, 1), Path.Combine(root, "snapshots"), 20251202);
        var folders = SyntheticProvince.Generate(options);
        var path = Path.Combine(root, "warehouse.duckdb");
        using var db = new WarehouseDb(path);
        PopulationLoader.Load(db, Path.Combine(options.OutDir, "population.csv"));
        WarehouseFixture.Loader(db).LoadAll(folders, replace: false);
        return path;
    }

    static string Json(object o) => JsonSerializer.Serialize(o);

    [Fact]
    public async Task NationalFiguresAreEachProvincesOwnAndTheirSums()
    {
        var warehouses = new Dictionary<string, string>
        {
            [fixture.Options.ProvinceCode] = fixture.CopyDatabase(),
            ["04"] = Province("04", 0.004),
            ["12"] = Province("12", 0.004),
        };
        var lakes = new List<string>();
        foreach (var (code, path) in warehouses)
        {
            var lake = Path.Combine(fixture.NewFolder("lake"), "province=" + code);
            var exported = Run("export-lake", "--db", path, "--out", lake);
            Assert.True(exported.Code == 0, exported.Error);
            lakes.Add(lake);
        }
        var national = Path.Combine(fixture.NewFolder("national"), "national.duckdb");
        var imported = Run(["import-lake", .. lakes, "--db", national]);
        Assert.True(imported.Code == 0, imported.Error);
        Assert.Equal(3, imported.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        NationalCoverageTable table;
        using (var db = new WarehouseDb(national))
        {
            var queries = new CoverageQueries(db);
            table = queries.National();
            Assert.Equal(warehouses.Keys.Order(StringComparer.Ordinal), table.Provinces.Select(p => p.Row.Code));
            foreach (var (code, path) in warehouses)
            {
                using var own = new WarehouseDb(path);
                var ownTable = new CoverageQueries(own).Children(new CoverageRequest(code));
                var row = table.Provinces.Single(p => p.Row.Code == code);
                Assert.Equal(ownTable.Snapshot.SnapshotId, row.Snapshot.SnapshotId);
                Assert.Equal(ReferenceData.System2025, row.Snapshot.CodeSystem);
                Assert.Equal(Json(ownTable.Total), Json(row.Row));
                // The national warehouse answers each province's commune table exactly as the province's own does.
                Assert.Equal(Json(ownTable), Json(queries.Children(new CoverageRequest(code))));
            }
            Assert.Equal(Levels.Nation, table.Total.Level);
            Assert.Equal(table.Provinces.Sum(p => p.Row.RecordsLinked), table.Total.RecordsLinked);
            Assert.Equal(table.Provinces.Sum(p => p.Row.Examined), table.Total.Examined);
            Assert.Equal(table.Provinces.Sum(p => p.Row.Managed), table.Total.Managed);
            Assert.Equal(table.Provinces.Sum(p => p.Row.Population ?? 0), table.Total.Population);
            Assert.True(table.Total.RecordsLinked > 0 && table.Total.Population > 0);
            Assert.Equal(Math.Round(100m * table.Total.Managed / table.Total.Population!.Value, 2, MidpointRounding.AwayFromZero), table.Total.CoveragePct);
        }

        // Importing the same lakes again replaces their snapshots: the same figures, not twice them.
        Assert.Equal(0, Run(["import-lake", .. lakes, "--db", national]).Code);
        using (var db = new WarehouseDb(national))
            Assert.Equal(Json(table), Json(new CoverageQueries(db).National()));

        // A changed lake is refused before anything is written.
        var kpi = LakeExport.Verify(lakes[1]).Tables.Single(t => t.Name == "mart_unit_kpi").Files[0];
        var file = Path.Combine(lakes[1], kpi.Path);
        File.AppendAllText(file, "x");
        var refused = Run("import-lake", lakes[1], "--db", national);
        Assert.Equal(1, refused.Code);
        Assert.Contains(kpi.Path, refused.Error);

        // Served: national-scope callers get the table (JSON and CSV); a province-scoped key is refused.
        using var api = new ApiFactory(fixture, ("Warehouse:Path", national));
        var served = await api.As(ApiFactory.EpidemiologistNational).JsonAsync("/api/coverage/national");
        Assert.Equal(3, served.GetProperty("provinces").GetArrayLength());
        Assert.Equal(table.Total.RecordsLinked, served.GetProperty("total").GetProperty("recordsLinked").GetDecimal());
        using (var csv = await api.As(ApiFactory.Admin).GetAsync("/api/coverage/national?format=csv"))
        {
            Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
            var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(1 + 3 + 1, lines.Length);
        }
        using (var scoped = await api.As(ApiFactory.Leadership).GetAsync("/api/coverage/national"))
            await scoped.ProblemAsync(403);
        using (var bad = await api.As(ApiFactory.EpidemiologistNational).GetAsync("/api/coverage/national?asOf=31-12-2025"))
            Assert.Contains("Tham số 'asOf'", (await bad.ProblemAsync(400)).Detail);
    }
}
