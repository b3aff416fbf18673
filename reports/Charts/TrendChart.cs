using HoSoSucKhoe.Warehouse.Marts;
using ScottPlot;

namespace HoSoSucKhoe.Reports.Charts;

/// <summary>
/// A unit's coverage across snapshots with its projection per target (<see cref="TargetProjection"/>): observed points
/// joined by a solid line (bridged legacy points hollow), each target a horizontal line, and for a target with status
/// <c>projected</c> a dashed segment of the projection's least-squares line (slope <see cref="TargetProjection.SlopePerYear"/>,
/// through the target on <see cref="TargetProjection.Date"/>) from the latest snapshot to that date, labelled with it.
/// Other statuses are written under the title.
/// </summary>
static class TrendChart
{
    public const int Width = 1000, Height = 560;
    static readonly Color Observed = Color.FromHex("#2C7BB6");
    static readonly Color Projected = Color.FromHex("#E66101");

    static double X(DateOnly d) => d.ToDateTime(TimeOnly.MinValue).ToOADate();

    public static Plot Build(UnitSeries series, ChartFormat format)
    {
        // The chart is the coverage line: only the coverage targets' projections belong on it (the other measures'
        // targets have their own figures in the targets report).
        series = series with { Projections = [.. series.Projections.Where(p => p.Target.Measure == TargetMeasures.Coverage)] };
        var plot = ChartStyle.New($"Xu hướng tỷ lệ quản lý hồ sơ sức khỏe – {series.Name}");
        var points = series.Points.Where(p => p.Row.CoveragePct is not null).ToList();
        var xs = points.Select(p => X(p.AsOf)).ToArray();
        var ys = points.Select(p => (double)p.Row.CoveragePct!.Value).ToArray();
        var line = plot.Add.Scatter(xs, ys, Observed);
        line.LineWidth = 2;
        line.MarkerSize = 8;
        line.LegendText = "Tỷ lệ quản lý (đã xác thực / dân số)";
        var bridged = points.Where(p => p.Bridged).ToList();
        if (bridged.Count > 0)
        {
            var m = plot.Add.Markers(bridged.Select(p => X(p.AsOf)).ToArray(), bridged.Select(p => (double)p.Row.CoveragePct!.Value).ToArray(),
                MarkerShape.OpenCircle, 12, Observed);
            m.LegendText = "Ảnh chụp mã cũ quy đổi sang đơn vị 2025 (gần đúng)";
        }
        // Every point's value when they are far enough apart, else the first and the last.
        var span = Math.Max(1, (points.Count > 0 ? X(points[^1].AsOf) - X(points[0].AsOf) : 1)
            + series.Projections.Where(p => p.Date is not null).Select(p => (double)(p.Date!.Value.DayNumber - points[^1].AsOf.DayNumber)).DefaultIfEmpty(0).Max());
        var dense = points.Count > 1 && Enumerable.Range(1, points.Count - 1).Any(i => (X(points[i].AsOf) - X(points[i - 1].AsOf)) / span * Width < 70);
        foreach (var (i, p) in points.Index())
        {
            if (dense && i != 0 && i != points.Count - 1) continue;
            var t = plot.Add.Text(Vi.Percent(p.Row.CoveragePct!.Value), X(p.AsOf), (double)p.Row.CoveragePct.Value);
            t.LabelFontSize = 10;
            t.LabelAlignment = Alignment.LowerCenter;
            t.OffsetY = -6;
            t.LabelFontColor = ChartStyle.Muted;
        }

        var notes = new List<string>();
        var maxX = xs.Length > 0 ? xs.Max() : X(DateOnly.FromDateTime(DateTime.Today));
        var minX = xs.Length > 0 ? xs.Min() : maxX - 30;
        var projectedLegend = false;
        foreach (var (i, pr) in series.Projections.Index())
        {
            var target = pr.Target.Percent;
            var h = plot.Add.HorizontalLine(target, 1.5f, ChartStyle.Target(i), ChartStyle.Dash(format, LinePattern.Dotted));
            h.LegendText = $"Mục tiêu {Vi.Percent(target, 0)} ({pr.Target.Year})";
            if (pr is { Status: "projected", Date: { } date, SlopePerYear: { } slope } && points.Count > 0)
            {
                var last = points[^1].AsOf;
                var fromY = target - slope * (date.DayNumber - last.DayNumber) / 365.25;
                var seg = plot.Add.ScatterLine(new[] { X(last), X(date) }, new[] { fromY, target }, Projected);
                seg.LinePattern = ChartStyle.Dash(format, LinePattern.Dashed);
                seg.LineWidth = 2;
                if (!projectedLegend) { seg.LegendText = "Dự báo (đường xu hướng 12 tháng gần nhất)"; projectedLegend = true; }
                plot.Add.Marker(X(date), target, MarkerShape.FilledDiamond, 10, Projected);
                var label = plot.Add.Text($"Dự kiến đạt {Vi.Percent(target, 0)}: {Vi.Date(date)}", X(date), target);
                label.LabelFontSize = 11;
                label.LabelFontColor = Projected;
                label.LabelBold = true;
                label.LabelBackgroundColor = Colors.White.WithAlpha(0.85);
                label.LabelAlignment = Alignment.UpperRight;
                label.OffsetY = 6;
                maxX = Math.Max(maxX, X(date));
                notes.Add($"{Vi.Percent(target, 0)}: dự kiến {Vi.Date(date)}{(pr.OnTime == true ? " (kịp hạn)" : " (trễ hạn)")}");
            }
            else notes.Add($"{Vi.Percent(target, 0)}: {StatusText(pr.Status)}");
        }

        // Ticks at the snapshots and projected dates, none closer than a tenth of the axis to the previous one (the last
        // snapshot and the projected dates first).
        var candidates = series.Projections.Where(p => p is { Status: "projected", Date: not null }).Select(p => p.Date!.Value)
            .Concat(points.Count > 0 ? [points[^1].AsOf, points[0].AsOf] : [])
            .Concat(points.Select(p => p.AsOf)).Distinct().ToList();
        var shown = new List<(double, string)>();
        foreach (var d in candidates)
            if (shown.All(s => Math.Abs(s.Item1 - X(d)) > (maxX - minX) / 10)) shown.Add((X(d), Vi.Date(d)));
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. shown.Select(s => s.Item1)], [.. shown.Select(s => s.Item2)]);
        ChartStyle.PercentTicks(plot.Axes.Left);
        plot.Axes.Left.Label.Text = "Tỷ lệ quản lý";
        plot.Axes.Bottom.Label.Text = "Ngày số liệu" + (notes.Count > 0 ? "\nDự báo: " + string.Join("; ", notes) : "");
        plot.Axes.Bottom.Label.FontSize = 12;
        var top = Math.Max(series.Projections.Select(p => p.Target.Percent).DefaultIfEmpty(100).Max(), ys.DefaultIfEmpty(0).Max()) + 4;
        var pad = Math.Max(10, (maxX - minX) * 0.08);
        plot.Axes.SetLimits(minX - pad, maxX + pad, Math.Max(0, ys.DefaultIfEmpty(0).Min() - 8), top);
        plot.Legend.Alignment = Alignment.LowerRight;
        plot.Legend.FontSize = 11;
        plot.ShowLegend();
        return plot;
    }

    static string StatusText(string status) => status switch
    {
        "reached" => "đã đạt",
        "not_rising" => "không có xu hướng tăng, không dự báo được",
        "too_few_points" => "chưa đủ 3 ảnh chụp trong 12 tháng để dự báo",
        "too_slow" => "tăng quá chậm, không đạt trước năm 2100",
        _ => status,
    };
}
