using System.Globalization;
using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Reports.Charts;
using HoSoSucKhoe.Reports.Maps;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Tests.Reports;

/// <summary>Choropleth maps of Lạng Sơn's communes: one polygon per commune in its class colour, legend, no data.</summary>
[Collection("warehouse")]
public sealed class MapTests(WarehouseFixture fixture)
{
    readonly CoverageQueries queries = new(fixture.Db);

    IReadOnlyList<LoadedSnapshot> Snapshots()
    {
        using var c = fixture.Db.Open();
        return [.. SnapshotCatalog.All(c).OrderBy(s => s.AsOf)];
    }

    /// <summary>The class label a row must get, from its figures (docs/definitions.md, "Charts and maps").</summary>
    static string ExpectedCoverageClass(CoverageRow r)
    {
        if (r.NoDenominator) return ChoroplethMap.NoDataLabel;
        if (r.Over100) return "Trên 100,00% (cần xem lại mẫu số)";
        if (r.Targets.Single(t => t.Percent == 95).Meets == true) return "95,00% – 100,00%";
        if (r.Targets.Single(t => t.Percent == 90).Meets == true) return "90,00% – 95,00%";
        return r.CoveragePct < 80 ? "< 80,00%" : "80,00% – 90,00%";
    }

    static void AssertOnePolygonPerCommuneInItsClassColour(ChoroplethMap map, string name)
    {
        var png = map.Render(ChartFormat.Png);
        var (w, h) = ChartAssert.Png(png);
        Assert.Equal(1000, w);
        Assert.InRange(h, 500, 1400);
        var bytes = map.Render(ChartFormat.Svg);
        ChartAssert.Keep(name, png, ChartFormat.Png);
        ChartAssert.Keep(name, bytes, ChartFormat.Svg);
        var svg = ChartAssert.Svg(bytes);
        // The communes are the only filled paths, drawn in the model's order.
        Assert.Equal(map.Communes.Select(c => c.Colour.ToUpperInvariant()), ChartAssert.PathFills(svg));
        foreach (var c in map.Classes) ChartAssert.HasText(svg, $"{c.Label} ({c.Communes} xã)");
        ChartAssert.HasText(svg, "Không có dữ liệu");
        Assert.Equal(map.Communes.Count, map.Classes.Sum(c => c.Communes));
        Assert.Single(map.Classes, c => c.NoData);
        // The no-data colour is no class colour.
        var noData = map.Classes.Single(c => c.NoData).Colour;
        Assert.DoesNotContain(map.Classes.Where(c => !c.NoData), c => c.Colour == noData);
    }

    [Fact]
    public void CoverageMapColoursEachCommuneByItsClassFromTheCoverageFigures()
    {
        var table = queries.Children(new CoverageRequest("20"));
        Assert.Equal(ReferenceData.System2025, table.Snapshot.CodeSystem);
        var map = ChoroplethMap.Build("coverage", new CoverageChartInput(table));
        var province = CommuneBoundaries.Default.Province("20")!;
        Assert.Equal(province.Communes.Select(c => c.Code), map.Communes.Select(c => c.Code));
        var rows = table.Rows.ToDictionary(r => r.Code);
        Assert.Equal(province.Communes.Select(c => c.Code).Order(), rows.Keys.Where(k => CommuneBoundaries.Default.ProvinceOf(k) == "20").Order());
        foreach (var c in map.Communes)
        {
            var expected = ExpectedCoverageClass(rows[c.Code]);
            Assert.Equal(expected, map.Classes[c.Class].Label);
            Assert.Equal(map.Classes[c.Class].Colour, c.Colour);
        }
        Assert.Contains(map.Classes, c => c.NoData && c.Communes > 0);      // communes without a denominator
        Assert.Equal(["< 80,00%", "80,00% – 90,00%", "90,00% – 95,00%", "95,00% – 100,00%", "Trên 100,00% (cần xem lại mẫu số)", "Không có dữ liệu"],
            map.Classes.Select(c => c.Label));
        AssertOnePolygonPerCommuneInItsClassColour(map, "map-coverage");
        ChartAssert.HasText(ChartAssert.Svg(map.Render(ChartFormat.Svg)), "Tỷ lệ người dân được quản lý hồ sơ sức khỏe");
    }

    [Fact]
    public void PageMapHasOneLinkedShapePerCommuneWithItsNameAndValueAsTooltip()
    {
        var table = queries.Children(new CoverageRequest("20"));
        var map = ChoroplethMap.Build("coverage", new CoverageChartInput(table));
        var linked = map.LinkedSvg(c => $"/xa/{c.Code}");
        var svg = System.Xml.Linq.XDocument.Parse(linked);
        var shapes = svg.Descendants().Where(e => e.Name.LocalName == "path" && (string?)e.Attribute("data-code") is not null).ToList();
        Assert.Equal(map.Communes.Select(c => c.Code), shapes.Select(e => (string)e.Attribute("data-code")!));
        var rows = table.Rows.ToDictionary(r => r.Code);
        foreach (var (shape, commune) in shapes.Zip(map.Communes))
        {
            Assert.Equal(ChartAssert.Normalise(commune.Colour), ChartAssert.Normalise((string)shape.Attribute("fill")!));
            Assert.Equal("white", (string?)shape.Attribute("stroke"));
            Assert.Equal($"/xa/{commune.Code}", (string?)shape.Parent!.Attribute("href"));
            var title = shape.Elements().Single(e => e.Name.LocalName == "title").Value;
            var r = rows[commune.Code];
            if (r.CoveragePct is { } p) Assert.Equal(r.Name + ": " + p.ToString("N2", System.Globalization.CultureInfo.GetCultureInfo("vi-VN")) + "%", title);
            else Assert.Matches("^" + System.Text.RegularExpressions.Regex.Escape(r.Name) + ": Không có [^0-9]+$", title);
        }
        // The same fills as the API's SVG, in the same order, with the separate border copies folded in: smaller.
        Assert.Equal(ChartAssert.PathFills(ChartAssert.Svg(map.Render(ChartFormat.Svg))), ChartAssert.PathFills(svg));
        Assert.True(linked.Length < map.Render(ChartFormat.Svg).Length * 0.7, $"{linked.Length} B");
    }

    [Fact]
    public void GapMapPutsCommunesThatMeetTheTargetInTheirOwnClass()
    {
        var table = queries.Children(new CoverageRequest("20"));
        var map = ChoroplethMap.Build("gap", new CoverageChartInput(table));
        var rows = table.Rows.ToDictionary(r => r.Code);
        foreach (var c in map.Communes)
        {
            var gap = rows[c.Code].Targets[0];
            if (gap.Gap is null) Assert.True(map.Classes[c.Class].NoData);
            else if (gap.Meets == true) Assert.Equal(0, c.Class);
            else
            {
                Assert.InRange(c.Class, 1, map.Classes.Count - 2);
                Assert.Equal($"{gap.Gap.Value.ToString("N0", CultureInfo.GetCultureInfo("vi-VN"))} người", c.ValueText);
            }
        }
        AssertOnePolygonPerCommuneInItsClassColour(map, "map-gap");
    }

    [Fact]
    public void PrevalenceMapsGiveSuppressedCommunesTheNoDataClassAndBreaksFromPublishedValuesOnly()
    {
        var s = Snapshots()[^1];
        var data = NcdData.Load(fixture.Db, s);
        var m = Measure.Find("htn_screened")!;
        var g = AgeStandard.Group("18+");
        var rows = data.Prevalence(m, "all", g).Select(r => data.Suppression.Disclose(r, m, g, Audience.Public)).ToList();
        Assert.Contains(rows, r => r.Level == "commune" && r.Suppressed);
        foreach (var measure in new[] { "prevalence", "smoothed" })
        {
            var map = ChoroplethMap.Build(measure, new PrevalenceChartInput(rows, m.Name, CodeSystem: s.CodeSystem));
            var byCode = rows.Where(r => r.Level == "commune").ToDictionary(r => r.UnitCode);
            foreach (var c in map.Communes)
            {
                var r = byCode[c.Code];
                var value = measure == "smoothed" ? r.Smoothed : r.Crude;
                Assert.Equal(r.Suppressed || value is null, map.Classes[c.Class].NoData);
                if (r.Suppressed) Assert.Null(c.Value);
            }
            // Dropping the suppressed rows altogether changes nothing: they never entered a break.
            var without = ChoroplethMap.Build(measure, new PrevalenceChartInput([.. rows.Where(r => !r.Suppressed)], m.Name, CodeSystem: s.CodeSystem));
            Assert.Equal(map.Classes.Select(c => c.Label), without.Classes.Select(c => c.Label));
            AssertOnePolygonPerCommuneInItsClassColour(map, "map-" + measure);
        }
    }

    [Fact]
    public void DataQualityMapClassesTheShareOfFlaggedRecords()
    {
        var table = queries.Children(new CoverageRequest("20"));
        var reports = table.Rows.Where(r => CommuneBoundaries.Default.ProvinceOf(r.Code) == "20")
            .Select(r => queries.DataQuality(r.Code, table.Snapshot.SnapshotId)).ToList();
        var map = ChoroplethMap.Build("dq", new DataQualityChartInput(reports, "missing_phone"));
        var byCode = reports.ToDictionary(r => r.Unit.Code);
        foreach (var c in map.Communes)
        {
            var share = byCode[c.Code].Checks.Single(x => x.Check == "missing_phone").SharePct;
            var expected = share is not { } v ? ChoroplethMap.NoDataLabel
                : v < 1 ? "< 1,00%" : v < 5 ? "1,00% – 5,00%" : v < 10 ? "5,00% – 10,00%" : "≥ 10,00%";
            Assert.Equal(expected, map.Classes[c.Class].Label);
        }
        AssertOnePolygonPerCommuneInItsClassColour(map, "map-dq");
    }

    [Theory]
    [InlineData("79", "26732")]   // Côn Đảo
    [InlineData("56", "22736")]   // Trường Sa
    [InlineData("31", "11948")]   // Bạch Long Vĩ
    public void OffshoreCommunesAreDrawnInAnInsetAndInlandOnesStayInPlace(string province, string offshore)
    {
        var shape = CommuneBoundaries.Default.Province(province)!;
        var projected = shape.Communes.ToDictionary(c => c.Code,
            c => c.Rings.Select(r => r.Select(p => new ScottPlot.Coordinates(p.Lon, p.Lat)).ToArray()).ToArray());
        var insets = Insets.Place(projected);
        Assert.Contains(offshore, insets.Moved.Keys);
        Assert.InRange(insets.Moved.Count, 1, 4);
        Assert.Equal(insets.Moved.Count, insets.Frames.Count);
        Assert.Empty(Insets.Place(CommuneBoundaries.Default.Province("20")!.Communes.ToDictionary(c => c.Code,
            c => c.Rings.Select(r => r.Select(p => new ScottPlot.Coordinates(p.Lon, p.Lat)).ToArray()).ToArray())).Moved);
    }

    [Fact]
    public void LegacySnapshotHasNoMap()
    {
        var legacy = Snapshots().First(s => s.CodeSystem == ReferenceData.SystemLegacy);
        var table = queries.Children(new CoverageRequest("20") { SnapshotId = legacy.SnapshotId });
        var e = Assert.Throws<MapNotAvailableException>(() => ChartRenderer.Render("map", new CoverageChartInput(table), ChartFormat.Png, "coverage"));
        Assert.Contains("mã 2025", e.Message);
        Assert.Contains("measure", Assert.Throws<ArgumentException>(() => ChoroplethMap.Build("beds", new CoverageChartInput(table))).Message);
    }

    [Fact]
    public void EmbeddedBoundariesCoverEveryCommuneOfTheReferenceUnitsInAFewMegabytes()
    {
        var b = CommuneBoundaries.Default;
        var units = ReferenceData.Load().Units.Where(u => u.CodeSystem == ReferenceData.System2025 && u.Level == Levels.Commune)
            .Select(u => (u.Code, u.ProvinceCode)).Distinct().ToList();
        Assert.Equal(34, b.ProvinceCodes.Count);
        Assert.Equal(3321, units.Count);
        foreach (var (code, province) in units) Assert.Equal(province, b.ProvinceOf(code));
        Assert.Equal("19", b.ProvinceOf("05665"));   // map id 5665
        Assert.Equal("22", b.ProvinceOf("06978"));   // map id 06970
        foreach (var p in b.ProvinceCodes.Select(b.Province))
        {
            Assert.NotEmpty(p!.Outline);
            Assert.All(p.Communes, c => Assert.NotEmpty(c.Rings));
        }
        var file = new FileInfo(Path.Combine(Repository.Root, "reports/Maps/communes-2025.bin.gz"));
        Assert.InRange(file.Length, 100_000, 3_000_000);
        Assert.Contains("MIT License", Repository.Read("reports/Maps/NOTICE.md"));
        Assert.Contains("communes-2025.bin.gz", Repository.Read("THIRD-PARTY-NOTICES.md"));
    }
}
