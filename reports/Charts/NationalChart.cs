using HoSoSucKhoe.Models.Ncd;
using ScottPlot;

namespace HoSoSucKhoe.Reports.Charts;

/// <summary>
/// The national prevalence chart (issue 15 §4): one bar per province and one for the nation, each the age-standardised
/// rate of the rows as served (disclosed) with its 95 % interval, the national value also drawn as a line across the
/// provinces. A row whose standardised rate is hidden has no bar (and says so under the axis); none is recomputed here.
/// </summary>
public static class NationalChart
{
    public const int Width = 1100, Height = 520;
    static readonly Color Province = Color.FromHex("#A6611A");
    static readonly Color Nation = Color.FromHex("#333333");

    /// <summary>The chart of <see cref="NationalNcd.Prevalence"/> rows (national row first) of one measure, sex and age group.</summary>
    public static byte[] Render(IReadOnlyList<PrevalenceEstimate> rows, string measureName, ChartFormat format)
    {
        if (rows.Count == 0) throw new ArgumentException("Biểu đồ toàn quốc cần ít nhất một dòng số liệu.");
        using var plot = ChartStyle.New($"{measureName} – chuẩn hoá tuổi, theo tỉnh");
        var bars = new List<Bar>();
        var intervals = new List<(double X, double Value, double Lo, double Hi)>();
        var hidden = false;
        double max = 1;
        foreach (var (i, r) in rows.Index())
        {
            if (r.Standardised is not { } v) { hidden |= r.Suppressed || r.Crude is not null; continue; }
            var (value, lo, hi) = (v * 100, (r.StandardisedLo ?? v) * 100, (r.StandardisedHi ?? v) * 100);
            bars.Add(new Bar { Position = i, Value = value, FillColor = r.UnitCode == NationalNcd.Code ? Nation : Province, LineWidth = 0, Size = 0.7 });
            intervals.Add((i, value, lo, hi));
            max = Math.Max(max, hi);
        }
        plot.Add.Bars(bars);
        ChartStyle.Intervals(plot, intervals);
        if (rows[0].UnitCode == NationalNcd.Code && rows[0].Standardised is { } national)
        {
            var line = plot.Add.HorizontalLine(national * 100, 1, Nation, ChartStyle.Dash(format, LinePattern.Dashed));
            line.LegendText = $"Toàn quốc: {Vi.Proportion(national)}";
            plot.ShowLegend();
            plot.Legend.Alignment = Alignment.UpperRight;
            plot.Legend.FontSize = 11;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. rows.Select((_, i) => (double)i)], [.. rows.Select(r => r.UnitName.Replace("Tỉnh ", "").Replace("Thành phố ", "TP "))]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 11;
        ChartStyle.PercentTicks(plot.Axes.Left);
        plot.Axes.Left.Label.Text = "Tỷ lệ chuẩn hoá tuổi (khoảng tin cậy 95%)";
        var first = rows[0];
        plot.Axes.Bottom.Label.Text = $"Nhóm tuổi {first.AgeGroup}; mẫu số: {Measure.Find(first.Measure)?.DenominatorName ?? first.Measure}"
            + (hidden ? "\nCột trống: tỷ lệ chuẩn hoá bị ẩn để bảo vệ bí mật" : "");
        plot.Axes.Bottom.Label.FontSize = 11;
        plot.Axes.SetLimits(-0.8, rows.Count - 0.2, 0, Math.Max(Math.Min(100.5, max * 1.15), max + 1));
        plot.Grid.XAxisStyle.IsVisible = false;
        return ChartStyle.Export(plot, format, Width, Height);
    }
}
