using System.Globalization;
using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Reports.Charts;
using HoSoSucKhoe.Reports.Maps;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Tests.Reports;

/// <summary>The programme charts and map drawn from <see cref="ProgrammeQueries"/> over the shared five-snapshot fixture:
/// PNGs of the default size, and no bar, point or label for a month, cohort or commune whose share disclosure hid.</summary>
[Collection("warehouse")]
public sealed class ProgrammeChartTests(WarehouseFixture fixture)
{
    static readonly CultureInfo ViVn = CultureInfo.GetCultureInfo("vi-VN");
    readonly ProgrammeQueries programme = new(fixture.Db);

    (LoadedSnapshot Latest, IReadOnlyList<LoadedSnapshot> All) Snapshots()
    {
        using var c = fixture.Db.Open();
        var all = SnapshotCatalog.All(c);
        return (all.Last(s => s.CodeSystem == "2025" && s.ProvinceCode == fixture.Options.ProvinceCode), all);
    }

    /// <summary>Shapes filled with the controlled colour: the bars' controlled segments and the legend swatch.</summary>
    static int Green(System.Xml.Linq.XDocument svg) =>
        ChartAssert.PathFills(svg).Concat(ChartAssert.RectFills(svg)).Count(f => f == "#1A9641");

    static string Pct1(double share) => (share * 100).ToString("N1", ViVn) + "%";

    /// <summary>A commune whose public trend has both drawn and hidden months, and the province.</summary>
    (ProgrammeTrend Trend, string Commune) Mixed(string disease, LoadedSnapshot latest, IReadOnlyList<LoadedSnapshot> all)
    {
        var trend = programme.Trend(latest, all, disease, audience: Audience.Public);
        var commune = trend.Rows.Where(r => r.Level == "commune").GroupBy(r => r.UnitCode)
            .FirstOrDefault(g => g.Any(r => r.ControlledShare is null && r.Suppressed) && g.Any(r => r.ControlledShare is not null
                && r.UncontrolledShare is not null && r.MissedVisitShare is not null && r.VisitedWithoutMeasurementShare is not null))?.Key;
        Assert.NotNull(commune); // the fixture's small communes: some months hidden, some shown
        return (trend, commune);
    }

    [Theory]
    [InlineData("htn")]
    [InlineData("dm")]
    public void OutcomeBarsDrawEveryPublishedMonthAndNoHiddenOne(string disease)
    {
        var (latest, all) = Snapshots();
        var (trend, commune) = Mixed(disease, latest, all);
        foreach (var unit in new[] { latest.ProvinceCode, commune })
        {
            var input = new ProgrammeTrendChartInput(trend, unit);
            var png = ProgrammeChart.Render(ProgrammeChart.Outcomes, input, ChartFormat.Png);
            Assert.Equal((1000, 560), ChartAssert.Png(png));
            ChartAssert.Keep($"programme-outcomes-{disease}-{unit}", png, ChartFormat.Png);
            var svgBytes = ProgrammeChart.Render(ProgrammeChart.Outcomes, input, ChartFormat.Svg);
            ChartAssert.Keep($"programme-outcomes-{disease}-{unit}", svgBytes, ChartFormat.Svg);
            var svg = ChartAssert.Svg(svgBytes);
            var rows = trend.Rows.Where(r => r.UnitCode == unit).OrderBy(r => r.Month).ToList();
            Assert.Equal(18, rows.Count);
            var drawn = rows.Where(r => r.ControlledShare is not null && r.UncontrolledShare is not null && r.MissedVisitShare is not null
                                        && r.VisitedWithoutMeasurementShare is not null).ToList();
            // One controlled segment per drawn month (+ the legend swatch), labelled with its served share, in month order.
            Assert.Equal(drawn.Count(r => r.ControlledShare > 0) + 1, Green(svg)); // a zero share draws no segment
            var labels = ChartAssert.Texts(svg).Where(t => t.EndsWith('%') && t.Contains(',')).ToList();
            Assert.Equal(drawn.Select(r => Pct1(r.ControlledShare!.Value)), labels.Where(l => drawn.Any(r => Pct1(r.ControlledShare!.Value) == l)));
            foreach (var r in rows)
                ChartAssert.HasText(svg, r.Month.ToString("MM/yyyy", CultureInfo.InvariantCulture) + (drawn.Contains(r) || !r.Suppressed ? "" : " (ẩn)"));
            if (unit == commune)
            {
                Assert.True(drawn.Count < 18);
                ChartAssert.HasText(svg, "Không vẽ: số liệu bị ẩn");
                // A hidden month's true control rate is written nowhere unless a published month happens to share it.
                var raw = programme.RawMonths(latest, all, disease);
                foreach (var r in rows.Except(drawn))
                {
                    var c = raw[(r.Month, unit)];
                    if (c.UnderCare == 0) continue;
                    var truth = Pct1((double)c.Controlled / c.UnderCare);
                    if (drawn.Any(d => Pct1(d.ControlledShare!.Value) == truth)) continue;
                    Assert.DoesNotContain(truth, ChartAssert.Texts(svg));
                }
            }
        }
    }

    [Fact]
    public void ControlTrendMarksSnapshotAndHistoryMonthsAndBreaksAtHiddenOnes()
    {
        var (latest, all) = Snapshots();
        var (trend, commune) = Mixed("htn", latest, all);
        var province = new ProgrammeTrendChartInput(trend, latest.ProvinceCode);
        var png = ProgrammeChart.Render(ProgrammeChart.Control, province, ChartFormat.Png);
        Assert.Equal((1000, 520), ChartAssert.Png(png));
        ChartAssert.Keep("programme-control-htn", png, ChartFormat.Png);
        var svg = ChartAssert.Svg(ProgrammeChart.Render(ProgrammeChart.Control, province, ChartFormat.Svg));
        ChartAssert.HasText(svg, "Tỷ lệ kiểm soát tăng huyết áp theo tháng");
        ChartAssert.HasText(svg, "Tháng có ảnh chụp riêng");
        ChartAssert.HasText(svg, "Tháng tính từ lịch sử khám");
        var rows = trend.Rows.Where(r => r.UnitCode == latest.ProvinceCode).ToList();
        Assert.Contains(rows, r => r.Source == ProgrammeSources.Snapshot);
        Assert.Contains(rows, r => r.Source == ProgrammeSources.History);
        foreach (var r in rows.Where(r => r.ControlledShare is not null)) ChartAssert.HasText(svg, Pct1(r.ControlledShare!.Value));

        var mixed = ChartAssert.Svg(ProgrammeChart.Render(ProgrammeChart.Control, new ProgrammeTrendChartInput(trend, commune), ChartFormat.Svg));
        var shown = trend.Rows.Where(r => r.UnitCode == commune && r.ControlledShare is not null).Select(r => Pct1(r.ControlledShare!.Value)).ToHashSet();
        var labels = ChartAssert.Texts(mixed).Where(t => t.EndsWith('%') && t.Contains(',')).ToList();
        Assert.All(labels, l => Assert.Contains(l, shown));
        ChartAssert.HasText(mixed, "Không vẽ: số liệu bị ẩn");
    }

    [Fact]
    public void CohortBarsShowPublishedCohortsOnlyAndTheOfficerSeesOwnCommuneWhole()
    {
        var (latest, all) = Snapshots();
        var cohorts = programme.Cohorts(latest, all, "htn", audience: Audience.Public);
        Assert.NotEmpty(cohorts.Rows);
        var province = new ProgrammeCohortChartInput(cohorts, latest.ProvinceCode);
        var png = ProgrammeChart.Render(ProgrammeChart.Cohorts, province, ChartFormat.Png);
        Assert.Equal((1000, 540), ChartAssert.Png(png));
        ChartAssert.Keep("programme-cohorts-htn", png, ChartFormat.Png);
        var svg = ChartAssert.Svg(ProgrammeChart.Render(ProgrammeChart.Cohorts, province, ChartFormat.Svg));
        var rows = cohorts.Rows.Where(r => r.UnitCode == latest.ProvinceCode).ToList();
        var drawn = rows.Where(r => r.ControlledShare is not null && r.UncontrolledShare is not null && r.MissedVisitShare is not null
                                    && r.VisitedWithoutMeasurementShare is not null).ToList();
        Assert.Equal(drawn.Count(r => r.ControlledShare > 0) + 1, Green(svg)); // a zero share draws no segment
        foreach (var r in drawn) ChartAssert.HasText(svg, $"{r.Registered!.Value.ToString("N0", ViVn)} người");

        // A commune with a hidden cohort: no bar for it; its own officer (raw) gets every cohort drawn.
        var commune = cohorts.Rows.Where(r => r.Level == "commune" && r.Suppressed && r.ControlledShare is null).Select(r => r.UnitCode).First();
        var hidden = ChartAssert.Svg(ProgrammeChart.Render(ProgrammeChart.Cohorts, new ProgrammeCohortChartInput(cohorts, commune), ChartFormat.Svg));
        var published = cohorts.Rows.Count(r => r.UnitCode == commune && r.ControlledShare > 0 && r.UncontrolledShare is not null
                                                && r.MissedVisitShare is not null && r.VisitedWithoutMeasurementShare is not null);
        Assert.Equal(published + 1, Green(hidden));
        var own = programme.Cohorts(latest, all, "htn", commune, new Audience(commune));
        var raw = ChartAssert.Svg(ProgrammeChart.Render(ProgrammeChart.Cohorts, new ProgrammeCohortChartInput(own, commune), ChartFormat.Svg));
        Assert.Equal(own.Rows.Count(r => r.ControlledShare > 0) + 1, Green(raw));
        Assert.True(own.Rows.Count(r => r.ControlledShare is not null) > cohorts.Rows.Count(r => r.UnitCode == commune && r.ControlledShare is not null));
    }

    [Fact]
    public void MapColoursCommunesByServedControlRateAndHiddenOnesInTheSuppressedClass()
    {
        var (latest, all) = Snapshots();
        var table = programme.Month(latest, all, "htn", audience: Audience.Public);
        var map = ChoroplethMap.Programme(new ProgrammeMonthChartInput(table, latest.CodeSystem));
        var png = map.Render(ChartFormat.Png);
        ChartAssert.Png(png);
        ChartAssert.Keep("programme-map-htn", png, ChartFormat.Png);
        var suppressed = map.Classes.Single(c => c.Label == ChoroplethMap.SuppressedLabel);
        var rows = table.Rows.Where(r => r.Level == "commune").ToDictionary(r => r.UnitCode);
        Assert.Contains(rows.Values, r => r.ControlledShare is null && r.Suppressed);
        Assert.Contains(rows.Values, r => r.ControlledShare is not null);
        foreach (var c in map.Communes)
        {
            if (!rows.TryGetValue(c.Code, out var r)) { Assert.Equal(map.Classes[^1].Index, c.Class); continue; }
            if (r.ControlledShare is { } s)
            {
                Assert.Equal(s * 100, c.Value!.Value, 9);
                Assert.NotEqual(suppressed.Index, c.Class);
                Assert.Equal(new[] { 20.0, 40, 60 }.Count(b => b <= s * 100), c.Class);
            }
            else if (r.Suppressed)
            {
                Assert.Equal(suppressed.Index, c.Class);
                Assert.Equal(suppressed.Colour, c.Colour);
                Assert.Null(c.Value);
                Assert.Equal("ẩn", c.ValueText);
            }
        }
        Assert.Equal(map.Communes.Count(c => c.Class == suppressed.Index), suppressed.Communes);
        // The page's SVG: a hidden commune's tooltip names it hidden, with no rate.
        var linked = map.LinkedSvg(_ => null);
        var hiddenCode = map.Communes.First(c => c.Class == suppressed.Index);
        Assert.Contains($"{hiddenCode.Name}: ẩn", linked);
    }
}
