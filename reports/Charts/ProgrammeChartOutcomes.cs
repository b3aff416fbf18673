using ScottPlot;

namespace HoSoSucKhoe.Reports.Charts;

/// <summary>
/// Stacked monthly outcome bars of one unit over the 18 months: per month the served shares of the denominator
/// (patients under care, or with the lost when included) controlled / uncontrolled / visited without a measurement /
/// missed visit (/ lost), the controlled share written on its segment. A month with a hidden share has no bar and no
/// label (its tick says "ẩn").
/// </summary>
static class ProgrammeChartOutcomes
{
    public const int Width = 1000, Height = 560;

    public static Plot Build(ProgrammeTrendChartInput input)
    {
        var rows = ProgrammeChart.RowsOf(input);
        var name = rows.FirstOrDefault()?.UnitName ?? input.Unit;
        var trend = input.Trend;
        var plot = ChartStyle.New($"Kết quả quản lý bệnh nhân {trend.DiseaseName} theo tháng – {name}");
        var lost = trend.IncludeLost;
        (string Label, Color Colour)[] parts =
        [
            ("Kiểm soát", ProgrammeChart.Controlled), ("Chưa kiểm soát", ProgrammeChart.Uncontrolled),
            ("Có khám, không đo/xét nghiệm", ProgrammeChart.NoMeasure), ("Bỏ tái khám (3 tháng)", ProgrammeChart.Missed),
            .. lost ? new[] { ("Mất dấu (12 tháng)", ProgrammeChart.Lost) } : [],
        ];
        var bars = parts.Select(_ => new List<Bar>()).ToArray();
        var labels = new List<string>();
        var hidden = false;
        foreach (var (i, r) in rows.Index())
        {
            var shares = ProgrammeChart.Shares(r);
            labels.Add(ProgrammeChart.MonthText(r.Month) + (shares is null && r.Suppressed ? " (ẩn)" : ""));
            if (shares is null) { hidden |= r.Suppressed; continue; }
            ProgrammeChart.Stack(plot, bars, parts, i, shares, 0.8, 10);
        }
        ProgrammeChart.AddStacks(plot, bars, parts);
        ProgrammeChart.MonthTicks(plot, labels);
        ChartStyle.PercentTicks(plot.Axes.Left);
        plot.Axes.Left.Label.Text = "Tỷ lệ trên mẫu số";
        var den = rows.LastOrDefault()?.DenominatorName ?? "";
        plot.Axes.Bottom.Label.Text = $"Tháng (số liệu tính đến ảnh chụp {trend.SnapshotId}, ngày {Vi.Date(trend.AsOf)})\nMẫu số: {den}"
            + (hidden ? "\n" + ProgrammeChart.HiddenNote : "");
        plot.Axes.Bottom.Label.FontSize = 11;
        plot.Axes.SetLimits(-0.6, Math.Max(rows.Count, 1) - 0.4, 0, 100);
        plot.Grid.XAxisStyle.IsVisible = false;
        plot.Legend.Alignment = Alignment.UpperRight;
        plot.Legend.FontSize = 11;
        plot.ShowLegend(Edge.Right);
        return plot;
    }
}
