using System.Net;
using System.Text.Json;
using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Synthetic;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Lake;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;

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

    /// <summary>Three provinces in their own warehouses (the fixture's Hà Nội with five snapshots, Cao Bằng and Lai Châu
    /// at 0,4 %), each exported to its lake, all imported into one national warehouse.</summary>
    (Dictionary<string, string> Warehouses, List<string> Lakes, string National) BuildNational()
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
        return (warehouses, lakes, national);
    }

    /// <summary>The national page in Debian's Chromium against the app on Kestrel at 127.0.0.1: a national admin signing
    /// in lands on it, sees the three provinces and the national row in every table, the chart drawn as SVG, and the
    /// national coverage the API gives; a province's leadership is refused. Screenshot national.png.</summary>
    [Fact]
    public async Task TheNationalPageInTheBrowser()
    {
        var (warehouses, _, national) = BuildNational();
        using var api = new ApiFactory(fixture, ("Warehouse:Path", national));
        await using var session = await HoSoSucKhoe.Tests.Web.BrowserSession.StartAsync(api);
        var page = await session.SignedIn("admin");
        Assert.EndsWith("/toan-quoc", page.Url);
        Assert.Contains("Toàn quốc", await page.InnerTextAsync("h1"));
        foreach (var table in new[] { "national-coverage-table", "national-cascade", "national-prevalence" })
        {
            var codes = await page.Locator($"[data-testid={table}] tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.code)");
            Assert.Equal(warehouses.Keys.Append(NationalNcd.Code).Order(StringComparer.Ordinal), codes.Order(StringComparer.Ordinal));
        }
        Assert.Equal(1, await page.Locator("figure[data-chart=national-prevalence] svg").CountAsync());
        var served = await api.As(ApiFactory.Admin).JsonAsync("/api/coverage/national");
        var pct = served.GetProperty("total").GetProperty("coveragePct").GetDecimal();
        Assert.Equal(pct.ToString("N2", System.Globalization.CultureInfo.GetCultureInfo("vi-VN")) + "%",
            (await page.InnerTextAsync("[data-testid=national-coverage]")).Trim());
        await page.SelectOptionAsync("select[name=measure]", "dm_screened");
        await HoSoSucKhoe.Tests.Web.BrowserSession.ClickAndLoad(page, "[data-testid=national-picker] button[type=submit]");
        Assert.Contains("measure=dm_screened", page.Url);
        Assert.Contains("Đái tháo đường", await page.InnerTextAsync("#ty-le-hien-mac"));
        await HoSoSucKhoe.Tests.Web.BrowserSession.Shot(page, "national");

        var leader = await session.SignedIn("lanhdao");
        var refused = await leader.GotoAsync("/toan-quoc");
        Assert.Equal(403, refused!.Status);
    }

    [Fact]
    public async Task NationalFiguresAreEachProvincesOwnAndTheirSums()
    {
        var (warehouses, lakes, national) = BuildNational();

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

        // NCD: the national table pools the provinces' cells; each province row is the province's own.
        using (var db = new WarehouseDb(national))
        {
            var latest = new SnapshotCatalog(db, new UnitMap(db)).LatestPerProvince(null);
            Assert.Equal(table.Provinces.Select(p => p.Snapshot), latest);
            var nation = NationalNcd.Pool([.. latest.Select(s => NcdData.Load(db, s))]);
            var cascades = NationalNcd.Cascades(nation, Audience.Public);
            Assert.Equal([Levels.Nation, .. latest.Select(_ => Levels.Province)], cascades.Select(r => r.Level));
            var raw = nation.Cascades();
            foreach (var (code, path) in warehouses)
            {
                using var own = new WarehouseDb(path);
                var s = latest.Single(x => x.ProvinceCode == code);
                var ownData = NcdData.Load(own, s);
                // The same disclosed province row as the province's own /api/ncd/cascade (level, ids and all).
                Assert.Equal(Json(ownData.Suppression.Disclose(ownData.Cascades()[0], Audience.Public)), Json(cascades.Single(r => r.UnitCode == code)));
                foreach (var (m, g) in new[] { ("htn_screened", "18+"), ("dm_raised", "30-49"), ("htn_adults", "50-69") })
                foreach (var sex in Burden.Sexes)
                {
                    var measure = Measure.Find(m)!;
                    var ages = AgeStandard.Group(g);
                    var mine = ownData.Suppression.Disclose(ownData.Prevalence(measure, sex, ages)[0], measure, ages, Audience.Public);
                    var there = NationalNcd.Prevalence(nation, measure, sex, ages, Audience.Public).Single(r => r.UnitCode == code);
                    // Smoothing differs (toward the nation there, none for a province's own row); every other figure is the same.
                    Assert.Equal(Json(mine with { Smoothed = null, SmoothedLo = null, SmoothedHi = null, Shrinkage = null, BetweenVariance = null }),
                        Json(there with { Smoothed = null, SmoothedLo = null, SmoothedHi = null, Shrinkage = null, BetweenVariance = null }));
                }
            }
            // The national row: the sums of the provinces' counts, and rates computed independently from the pooled bands.
            var cells = latest.SelectMany(s => NcdData.Load(db, s).Cells).ToList();
            Assert.Equal(cells.Sum(c => c.HtnHypertensive), raw[0].Hypertension.Affected);
            Assert.Equal(cells.Sum(c => c.DmTreated), raw[0].Diabetes.Treated);
            Assert.Equal(cells.Sum(c => c.ProgControlled), raw[0].Programme.Controlled);
            Assert.Equal(raw.Skip(1).Sum(r => r.Hypertension.Controlled), raw[0].Hypertension.Controlled);
            var htn = Measure.Find("htn_screened")!;
            var adults = AgeStandard.Group("18+");
            var top = nation.Prevalence(htn, "all", adults)[0];
            var bands = AgeStandard.Bands.Select(b => (B: b, X: cells.Where(c => c.BandLo == b).Sum(c => c.HtnScreenedHypertensive),
                N: cells.Where(c => c.BandLo == b).Sum(c => c.HtnScreened))).Where(x => x.N > 0).ToList();
            var weights = bands.Sum(x => AgeStandard.Weight(x.B));
            Assert.Equal(bands.Sum(x => x.X), top.Cases);
            Assert.Equal(bands.Sum(x => x.N), top.Denominator);
            Assert.Equal(bands.Sum(x => AgeStandard.Weight(x.B) / weights * x.X / x.N), top.Standardised!.Value, 12);
            Assert.True(top.StandardisedLo < top.Standardised && top.Standardised < top.StandardisedHi);
            Assert.Equal(NationalNcd.Code, top.UnitCode);
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

        // The national NCD views: the same rows as the model gives, national keys only.
        var prevalence = await api.As(ApiFactory.EpidemiologistNational).JsonAsync("/api/ncd/national/prevalence?measure=dm_raised&ages=30-49");
        var rows = prevalence.GetProperty("rows");
        Assert.Equal(1 + 3, rows.GetArrayLength());
        Assert.Equal(NationalNcd.Code, rows[0].GetProperty("unitCode").GetString());
        Assert.Equal(Levels.Nation, rows[0].GetProperty("level").GetString());
        var cascade = await api.As(ApiFactory.Admin).JsonAsync("/api/ncd/national/cascade");
        Assert.Equal(Levels.Nation, cascade.GetProperty("rows")[0].GetProperty("level").GetString());
        foreach (var url in new[] { "/api/ncd/national/cascade", "/api/ncd/national/prevalence" })
            using (var scoped = await api.As(ApiFactory.Leadership).GetAsync(url))
                await scoped.ProblemAsync(403);
        using (var csv = await api.As(ApiFactory.EpidemiologistNational).GetAsync("/api/ncd/national/prevalence?format=csv"))
            Assert.Equal(1 + 4, (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        using (var bad = await api.As(ApiFactory.EpidemiologistNational).GetAsync("/api/ncd/national/prevalence?ages=17-20"))
            Assert.Contains("'ages'", (await bad.ProblemAsync(400)).Detail);

        // The national page shows the same figures (vi-VN formats) as the endpoints, and only to national callers.
        var html = await api.As(ApiFactory.EpidemiologistNational).GetStringAsync("/toan-quoc?measure=htn_screened");
        var vi = System.Globalization.CultureInfo.GetCultureInfo("vi-VN");
        Assert.Contains($"data-testid=\"national-coverage\">{table.Total.CoveragePct!.Value.ToString("N2", vi)}%<", html);
        var adultsRow = (await api.As(ApiFactory.EpidemiologistNational).JsonAsync("/api/ncd/national/prevalence?measure=htn_screened")).GetProperty("rows")[0];
        // (At 0,4 % a small province can have a 5-year band of 1–4 people: a band hidden there hides the national band, and with
        // it the national standardised rate that weighs it, so the page says "ẩn" exactly where the API has null.)
        var standardised = adultsRow.GetProperty("standardised");
        Assert.Contains($"data-field=\"standardised\">{(standardised.ValueKind == JsonValueKind.Null ? "ẩn" : (standardised.GetDouble() * 100).ToString("N2", vi) + "%")}<", html);
        Assert.Contains($"data-field=\"cases\">{adultsRow.GetProperty("cases").GetInt32().ToString("N0", vi)}<", html);
        Assert.Contains("<svg", html);
        foreach (var code in warehouses.Keys) Assert.Contains($"data-code=\"{code}\"", html);
        using (var scoped = await api.As(ApiFactory.Leadership).GetAsync("/toan-quoc"))
            Assert.Equal(HttpStatusCode.Forbidden, scoped.StatusCode);
        // No facts, so no risk model of its own (each province trains one): a clear 404, not a failed training at start-up.
        using (var model = await api.As(ApiFactory.EpidemiologistNational).GetAsync("/api/ncd/model"))
            Assert.Contains("mô hình", (await model.ProblemAsync(404)).Title);
    }
}
