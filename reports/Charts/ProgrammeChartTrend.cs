using ScottPlot;

namespace HoSoSucKhoe.Reports.Charts;

/// <summary>
/// The control rate of one unit per month (and the missed-visit rate), served shares only: months taken from their own
/// snapshot are filled markers, months derived from the latest snapshot's visit history hollow ones; bridged legacy
/// months (approximate) a diamond. A month with a hidden share breaks the line (no point, no label).
/// </summary>
static class ProgrammeChartTrend
{
    public const int Width = 1000, Height = 520;

    public static Plot Build(ProgrammeTrendChartInput input, ChartFormat format)
    {
        var rows = ProgrammeChart.RowsOf(input);
        var name = rows.FirstOrDefault()?.UnitName ?? input.Unit;
        var plot = ChartStyle.New($"Tỷ lệ kiểm soát {input.Trend.DiseaseName} theo tháng – {name}");
        var hidden = false;
        double max = 10;
        foreach (var (series, colour, label, pattern) in new[]
                 {
                     ((Func<Models.Ncd.ProgrammeMonth, double?>)(r => r.ControlledShare), ProgrammeChart.Controlled, "Tỷ lệ kiểm soát", LinePattern.Solid),
                     (r => r.MissedVisitShare, ProgrammeChart.Missed, "Tỷ lệ bỏ tái khám (3 tháng)", LinePattern.Dashed),
                 })
        {
            // Runs of consecutive published months, each its own line, so a hidden month is a gap.
            var run = new List<(int I, double V)>();
            var legend = false;
            void Flush()
            {
                if (run.Count == 0) return;
                var line = plot.Add.ScatterLine(run.Select(p => (double)p.I).ToArray(), run.Select(p => p.V).ToArray(), colour);
                line.LineWidth = 2;
                line.LinePattern = ChartStyle.Dash(format, pattern);
                if (!legend) { line.LegendText = label; legend = true; }
                run.Clear();
            }
            foreach (var (i, r) in rows.Index())
            {
                if (series(r) is not { } v) { hidden |= r.Suppressed; Flush(); continue; }
                run.Add((i, v * 100));
                max = Math.Max(max, v * 100);
                var shape = r.Bridged ? (r.Source == Models.Ncd.ProgrammeSources.Snapshot ? MarkerShape.FilledDiamond : MarkerShape.OpenDiamond)
                    : r.Source == Models.Ncd.ProgrammeSources.Snapshot ? MarkerShape.FilledCircle : MarkerShape.OpenCircle;
                plot.Add.Marker(i, v * 100, shape, 9, colour);
                if (colour == ProgrammeChart.Controlled)
                {
                    var t = plot.Add.Text(Vi.Percent(v * 100, 1), i, v * 100);
                    t.LabelFontSize = 10;
                    t.LabelAlignment = Alignment.LowerCenter;
                    t.OffsetY = -7;
                    t.LabelFontColor = ChartStyle.Muted;
                }
            }
            Flush();
        }
        plot.Legend.ManualItems.Add(new LegendItem
        {
            LabelText = "Tháng có ảnh chụp riêng", MarkerShape = MarkerShape.FilledCircle, MarkerColor = ChartStyle.Text, MarkerSize = 9, LineWidth = 0,
        });
        plot.Legend.ManualItems.Add(new LegendItem
        {
            LabelText = "Tháng tính từ lịch sử khám của ảnh chụp mới nhất", MarkerShape = MarkerShape.OpenCircle, MarkerColor = ChartStyle.Text,
            MarkerSize = 9, LineWidth = 0,
        });
        if (rows.Any(r => r.Bridged))
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = "Ảnh chụp mã cũ quy đổi sang xã 2025", MarkerShape = MarkerShape.FilledDiamond, MarkerColor = ChartStyle.Text,
                MarkerSize = 9, LineWidth = 0,
            });
        ProgrammeChart.MonthTicks(plot, [.. rows.Select(r => ProgrammeChart.MonthText(r.Month) + (ProgrammeChart.Shares(r) is null && r.Suppressed ? " (ẩn)" : ""))]);
        ChartStyle.PercentTicks(plot.Axes.Left);
        plot.Axes.Left.Label.Text = "Tỷ lệ trên mẫu số";
        plot.Axes.Bottom.Label.Text = $"Tháng (tính đến ảnh chụp {input.Trend.SnapshotId}, ngày {Vi.Date(input.Trend.AsOf)})"
            + $"\nMẫu số: {rows.LastOrDefault()?.DenominatorName ?? ""}" + (hidden ? "\n" + ProgrammeChart.HiddenNote : "");
        plot.Axes.Bottom.Label.FontSize = 11;
        plot.Axes.SetLimits(-0.6, Math.Max(rows.Count, 1) - 0.4, 0, Math.Min(100, Math.Ceiling((max + 25) / 10) * 10));
        plot.Legend.Alignment = Alignment.UpperRight;
        plot.Legend.FontSize = 11;
        plot.ShowLegend();
        return plot;
    }
}
