using HoSoSucKhoe.Warehouse.Marts;
using ScottPlot;

namespace HoSoSucKhoe.Reports.Charts;

/// <summary>
/// Coverage of the children of a unit as horizontal bars, lowest first, coloured by class (<see cref="CoverageClasses"/>),
/// with the target lines. Over 100 % is drawn uncapped in its own colour; units without a denominator are listed last
/// with no bar and the words "Không có mẫu số".
/// </summary>
static class CoverageChart
{
    public const int Width = 1000;

    public static (Plot Plot, int Height) Build(CoverageTable table, ChartFormat format)
    {
        var classes = new CoverageClasses(table.Targets);
        var rows = table.Rows.Where(r => r.CoveragePct is not null).OrderBy(r => r.CoveragePct).ThenBy(r => r.Code, StringComparer.Ordinal)
            .Concat(table.Rows.Where(r => r.CoveragePct is null).OrderBy(r => r.Code, StringComparer.Ordinal)).ToList();
        var plot = ChartStyle.New($"Tỷ lệ người dân được quản lý hồ sơ sức khỏe – {table.Total.Name}");
        var n = rows.Count;
        var max = Math.Max(100.0, rows.Max(r => (double?)r.CoveragePct) ?? 0);
        var bars = new List<Bar>();
        var labelsAt = new List<(double Y, string Label)>();
        for (var i = 0; i < n; i++)
        {
            var r = rows[i];
            var y = n - 1 - i;   // the first row at the top
            labelsAt.Add((y, r.Name));
            if (classes.Of(r) is not { } k)
            {
                var t = plot.Add.Text("Không có mẫu số", 0.5, y);
                t.LabelFontColor = ChartStyle.Muted;
                t.LabelFontSize = 11;
                t.LabelAlignment = Alignment.MiddleLeft;
                continue;
            }
            var v = (double)r.CoveragePct!.Value;
            bars.Add(new Bar
            {
                Position = y, Value = v, FillColor = classes.Colours[k], LineWidth = 0, Size = 0.75,
                Label = Vi.Percent(r.CoveragePct.Value) + (r.Over100 ? " ▲" : ""),
            });
        }
        var bp = plot.Add.Bars(bars);
        bp.Horizontal = true;
        bp.ValueLabelStyle.FontSize = 11;
        bp.ValueLabelStyle.FontName = ChartStyle.Font;
        // A white ground keeps a label readable where a target line crosses it.
        bp.ValueLabelStyle.BackgroundColor = Colors.White;

        foreach (var (i, target) in table.Targets.Index())
        {
            var line = plot.Add.VerticalLine(target.Percent, 1.5f, ChartStyle.Target(i),
                ChartStyle.Dash(format, i % 2 == 0 ? LinePattern.Dashed : LinePattern.Dotted));
            line.ExcludeFromLegend = true;   // in the manual legend below
            plot.MoveToBack(line);
        }
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. labelsAt.Select(l => l.Y)], [.. labelsAt.Select(l => l.Label)]);
        plot.Axes.Left.MajorTickStyle.Length = 0;
        ChartStyle.PercentTicks(plot.Axes.Bottom);
        plot.Axes.Bottom.Label.Text = $"Tỷ lệ quản lý (đã xác thực / dân số), ngày {Vi.Date(table.Snapshot.AsOf)}";
        plot.Axes.SetLimits(0, max * 1.12, -0.7, n - 0.3);
        plot.Grid.YAxisStyle.IsVisible = false;

        var legend = classes.Labels.Select((l, i) => new LegendItem { LabelText = l, FillColor = classes.Colours[i] }).ToList();
        legend.Add(new LegendItem { LabelText = "Không có mẫu số (không có dữ liệu dân số)", FillColor = ChartStyle.NoData });
        foreach (var (i, target) in table.Targets.Index())
            legend.Add(new LegendItem
            {
                LabelText = $"Mục tiêu {Vi.Percent(target.Percent, 0)} ({target.Year})", LineColor = ChartStyle.Target(i), LineWidth = 1.5f,
                LinePattern = ChartStyle.Dash(format, i % 2 == 0 ? LinePattern.Dashed : LinePattern.Dotted),
            });
        plot.Legend.ManualItems.AddRange(legend);
        // Lowest coverage is at the top: the short bars leave the upper right free.
        plot.Legend.Alignment = Alignment.UpperRight;
        plot.Legend.FontSize = 11;
        plot.ShowLegend();
        return (plot, Math.Max(420, 140 + 22 * n));
    }
}
