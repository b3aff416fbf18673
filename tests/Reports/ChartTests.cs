using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Reports.Charts;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Tests.Reports;

/// <summary>Charts rendered from the query objects of the shared Lạng Sơn warehouse, to PNG and SVG.</summary>
[Collection("warehouse")]
public sealed class ChartTests(WarehouseFixture fixture)
{
    readonly CoverageQueries queries = new(fixture.Db);

    LoadedSnapshot Latest()
    {
        using var c = fixture.Db.Open();
        return SnapshotCatalog.All(c).OrderBy(s => s.AsOf).Last();
    }

    [Fact]
    public void CoverageChartShowsEveryCommuneSortedWithTargetsAndNoDenominatorUnits()
    {
        var table = queries.Children(new CoverageRequest("20"));
        var input = new CoverageChartInput(table);
        var png = ChartRenderer.Render("coverage", input, ChartFormat.Png);
        var (w, h) = ChartAssert.Png(png);
        Assert.Equal(1000, w);
        Assert.Equal(140 + 22 * table.Rows.Count, h);
        var svgBytes = ChartRenderer.Render("coverage", input, ChartFormat.Svg);
        ChartAssert.Keep("coverage", png, ChartFormat.Png);
        ChartAssert.Keep("coverage", svgBytes, ChartFormat.Svg);

        var svg = ChartAssert.Svg(svgBytes);
        ChartAssert.HasText(svg, "Tỷ lệ người dân được quản lý hồ sơ sức khỏe");
        ChartAssert.HasText(svg, "Mục tiêu 90% (2025)");
        ChartAssert.HasText(svg, "Mục tiêu 95% (2030)");
        var noDenominator = table.Rows.Where(r => r.NoDenominator).ToList();
        Assert.NotEmpty(noDenominator);                        // the fixture has communes without a 2025 population
        Assert.Equal(noDenominator.Count, ChartAssert.Texts(svg).Count(t => t == "Không có mẫu số"));
        // Every commune is named, and the lowest coverage is written the vi-VN way (95,20%).
        foreach (var r in table.Rows) ChartAssert.HasText(svg, r.Name);
        var lowest = table.Rows.Where(r => r.CoveragePct is not null).MinBy(r => r.CoveragePct)!;
        ChartAssert.HasText(svg, lowest.CoveragePct!.Value.ToString("N2", System.Globalization.CultureInfo.GetCultureInfo("vi-VN")) + "%");
        Assert.Contains(",", lowest.CoveragePct.Value.ToString("N2", System.Globalization.CultureInfo.GetCultureInfo("vi-VN")));
        // Bars: one per commune with a denominator (plus the legend's swatches), over-100 % in its own colour.
        var fills = ChartAssert.RectFills(svg);
        var classColours = new[] { "#D7191C", "#FDAE61", "#ABD9E9", "#2C7BB6", "#7B3294" };
        Assert.Equal(table.Rows.Count(r => !r.NoDenominator) + classColours.Length, fills.Count(f => classColours.Contains(f)));
        Assert.Equal(table.Rows.Count(r => r.Over100) + 1, fills.Count(f => f == "#7B3294"));
    }

    /// <summary>Charts and maps are exported to SVG with one layout pass on a no-draw canvas instead of ScottPlot's
    /// bitmap pre-render: the documents must stay exactly those of <c>Plot.GetSvgXml</c>.</summary>
    [Fact]
    public void SvgExportIsScottPlotsOwnDocument()
    {
        var table = queries.Children(new CoverageRequest("20") { Sort = "coverage_pct" });
        var plots = new (string Name, Func<(ScottPlot.Plot Plot, int Width, int Height)> Make)[]
        {
            ("coverage", () => { var (p, h) = CoverageChart.Build(table, ChartFormat.Svg); return (p, CoverageChart.Width, h); }),
            ("trend", () => (TrendChart.Build(queries.Series("20"), ChartFormat.Svg), 1000, 560)),
        };
        foreach (var (name, make) in plots)
        {
            var (a, w, h) = make();
            var (b, _, _) = make();
            var ours = ChartStyle.Svg(a, w, h);
            Assert.True(ours.Length > 1000, name);
            // Skia numbers clip paths from a counter of the process: compare them by order of appearance.
            static string Clips(string svg)
            {
                var ids = new Dictionary<string, int>();
                return System.Text.RegularExpressions.Regex.Replace(svg, "cl_[0-9a-z]+", m => $"clip{(ids.TryGetValue(m.Value, out var n) ? n : ids[m.Value] = ids.Count)}");
            }
            Assert.Equal(Clips(b.GetSvgXml(w, h)), Clips(System.Text.Encoding.UTF8.GetString(ours)));
        }
    }

    [Fact]
    public void TrendChartDrawsTheProjectionAndLabelsItsDate()
    {
        var series = queries.Series("20");
        var input = new TrendChartInput(series);
        var png = ChartRenderer.Render("trend", input, ChartFormat.Png);
        Assert.Equal((1000, 560), ChartAssert.Png(png));
        var bytes = ChartRenderer.Render("trend", input, ChartFormat.Svg);
        ChartAssert.Keep("trend", png, ChartFormat.Png);
        ChartAssert.Keep("trend", bytes, ChartFormat.Svg);
        var svg = ChartAssert.Svg(bytes);
        ChartAssert.HasText(svg, "Xu hướng tỷ lệ quản lý hồ sơ sức khỏe");
        ChartAssert.HasText(svg, "Mục tiêu 90% (2025)");
        var shown = series.Points.Where(p => p.Row.CoveragePct is not null).ToList();
        foreach (var p in new[] { shown[0], shown[^1] })
            ChartAssert.HasText(svg, p.Row.CoveragePct!.Value.ToString("N2", System.Globalization.CultureInfo.GetCultureInfo("vi-VN")) + "%");
        ChartAssert.HasText(svg, series.Points[^1].AsOf.ToString("dd/MM/yyyy"));
        if (series.Points.Any(p => p.Bridged)) ChartAssert.HasText(svg, "quy đổi sang đơn vị 2025");
        Assert.NotEmpty(series.Projections);
        foreach (var pr in series.Projections.Where(p => p.Target.Measure == HoSoSucKhoe.Warehouse.Marts.TargetMeasures.Coverage))
            if (pr is { Status: "projected", Date: { } d }) ChartAssert.HasText(svg, $"Dự kiến đạt {pr.Target.Percent:0}%: {d:dd/MM/yyyy}");
            else ChartAssert.HasText(svg, $"{pr.Target.Percent:0}%: ");
    }

    [Fact]
    public void CascadeChartHasNoBarAndNoLabelForAHiddenStep()
    {
        var data = NcdData.Load(fixture.Db, Latest());
        var views = data.Cascades().Select(r => data.Suppression.Disclose(r, Audience.Public)).ToList();
        // A commune with both hidden and shown hypertension steps, and the province (nothing hidden).
        var partly = views.First(v => v.Level == "commune" && v.Hypertension.Any(s => s.Count is null)
            && v.Hypertension.Count(s => s.Count is not null) > 2);
        foreach (var (name, view) in new[] { ("cascade-commune", partly), ("cascade", views[0]) })
        {
            var png = ChartRenderer.Render("cascade", new CascadeChartInput(view), ChartFormat.Png);
            Assert.Equal((1000, 620), ChartAssert.Png(png));
            var bytes = ChartRenderer.Render("cascade", new CascadeChartInput(view), ChartFormat.Svg);
            ChartAssert.Keep(name, png, ChartFormat.Png);
            ChartAssert.Keep(name, bytes, ChartFormat.Svg);
            var svg = ChartAssert.Svg(bytes);
            ChartAssert.HasText(svg, "Chuỗi chăm sóc tăng huyết áp và đái tháo đường");
            ChartAssert.HasText(svg, "Đã chẩn đoán");
            string[] drawn = ["screened", "affected", "diagnosed", "treated", "controlled"];
            var htn = view.Hypertension.Where(s => drawn.Contains(s.Key)).ToList();
            var dm = view.Diabetes.Where(s => drawn.Contains(s.Key)).ToList();
            var fills = ChartAssert.RectFills(svg);
            // One bar per shown count, plus the legend swatch.
            // One bar per shown count above zero, plus the legend swatch (a zero is labelled "0" without a bar).
            Assert.Equal(htn.Count(s => s.Count is > 0) + 1, fills.Count(f => f == "#2C7BB6"));
            Assert.Equal(dm.Count(s => s.Count is > 0) + 1, fills.Count(f => f == "#E66101"));
            foreach (var s in htn.Concat(dm).Where(s => s.Count is not null))
                ChartAssert.HasText(svg, s.Count!.Value.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("vi-VN")));
            if (htn.Concat(dm).Any(s => s.Count is null)) ChartAssert.HasText(svg, "số liệu bị ẩn để bảo vệ bí mật");
        }
    }

    [Fact]
    public void PrevalenceChartShowsAgeBandsBySexWithIntervalsNextToTheStepsAnchor()
    {
        var data = NcdData.Load(fixture.Db, Latest());
        var m = Measure.Find("htn_screened")!;
        var bands = AgeStandard.Groups.Where(g => g.Scheme == "5y").ToList();
        var rows = (from g in bands
                    from sex in new[] { "male", "female" }
                    from r in data.Prevalence(m, sex, g)
                    where r.Level == "province"
                    select data.Suppression.Disclose(r, m, g, Audience.Public)).ToList();
        var input = new PrevalenceChartInput(rows, m.Name, data.Anchors());
        var png = ChartRenderer.Render("prevalence", input, ChartFormat.Png);
        Assert.Equal((1100, 620), ChartAssert.Png(png));
        var bytes = ChartRenderer.Render("prevalence", input, ChartFormat.Svg);
        ChartAssert.Keep("prevalence", png, ChartFormat.Png);
        ChartAssert.Keep("prevalence", bytes, ChartFormat.Svg);
        var svg = ChartAssert.Svg(bytes);
        ChartAssert.HasText(svg, m.Name);
        ChartAssert.HasText(svg, "Tỷ lệ thô (khoảng tin cậy 95%)");
        ChartAssert.HasText(svg, "Nam");
        ChartAssert.HasText(svg, "Nữ");
        ChartAssert.HasText(svg, "STEPS 2020");
        ChartAssert.HasText(svg, "28,30%");                   // the STEPS 2020 hypertension anchor, vi-VN
        ChartAssert.HasText(svg, "50–54");
        var fills = ChartAssert.RectFills(svg);
        Assert.Equal(rows.Count(r => r.Sex == "male" && r.Crude is not null) + 1, fills.Count(f => f == "#2C7BB6"));
    }

    [Fact]
    public void UnknownKindOrAnInputOfAnotherKindIsRefusedNamingTheParameter()
    {
        var input = new CoverageChartInput(queries.Children(new CoverageRequest("20")));
        Assert.Contains("kind", Assert.Throws<ArgumentException>(() => ChartRenderer.Render("pie", input, ChartFormat.Png)).Message);
        Assert.Contains("kind", Assert.Throws<ArgumentException>(() => ChartRenderer.Render("trend", input, ChartFormat.Png)).Message);
        Assert.Contains("measure", Assert.Throws<ArgumentException>(() => ChartRenderer.Render("map", input, ChartFormat.Png)).Message);
        Assert.Equal(ChartFormat.Svg, ChartFormats.Parse("SVG"));
        Assert.Equal("image/svg+xml", ChartRenderer.ContentType(ChartFormat.Svg));
        Assert.Equal("image/png", ChartRenderer.ContentType(ChartFormat.Png));
    }
}
