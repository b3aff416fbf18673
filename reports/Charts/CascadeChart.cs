using HoSoSucKhoe.Models.Ncd;
using ScottPlot;

namespace HoSoSucKhoe.Reports.Charts;

/// <summary>
/// The hypertension and diabetes care cascades of one unit as disclosed (<see cref="CascadeView"/>): for each step
/// (screened, affected, diagnosed, treated, controlled) a bar per disease with its count and its share of the previous
/// step, as served. A hidden count has no bar and no label; a hidden share leaves the count without a share.
/// </summary>
static class CascadeChart
{
    public const int Width = 1000, Height = 620;
    static readonly (string Key, string Label)[] Steps =
    [
        ("screened", "Được sàng lọc\n(12 tháng)"), ("affected", "Mắc bệnh"), ("diagnosed", "Đã chẩn đoán"),
        ("treated", "Đang điều trị"), ("controlled", "Kiểm soát được"),
    ];

    public static Plot Build(CascadeView view)
    {
        var plot = ChartStyle.New($"Chuỗi chăm sóc tăng huyết áp và đái tháo đường – {view.UnitName}");
        var diseases = new[] { ("Tăng huyết áp", view.Hypertension, ChartStyle.Hypertension), ("Đái tháo đường", view.Diabetes, ChartStyle.Diabetes) };
        var hidden = false;
        double max = 1;
        for (var d = 0; d < diseases.Length; d++)
        {
            var (name, steps, colour) = diseases[d];
            var bars = new List<Bar>();
            for (var i = 0; i < Steps.Length; i++)
            {
                var step = steps.FirstOrDefault(s => s.Key == Steps[i].Key);
                if (step is null) continue;
                if (step.Count is not { } count) { hidden = true; continue; }
                hidden |= step.Suppressed;
                max = Math.Max(max, count);
                bars.Add(new Bar
                {
                    Position = i * 3 + d, Value = count, FillColor = colour, LineWidth = 0, Size = 0.9,
                    Label = step.Share is { } share ? $"{Vi.Number(count)}\n{Vi.Proportion(share)}" : Vi.Number(count),
                });
            }
            var bp = plot.Add.Bars(bars);
            bp.LegendText = name;
            bp.ValueLabelStyle.FontSize = 11;
            bp.ValueLabelStyle.FontName = ChartStyle.Font;
            bp.ValueLabelStyle.LineSpacing = 2;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. Steps.Select((_, i) => i * 3 + 0.5)], [.. Steps.Select(s => s.Label)]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => Vi.Number((long)Math.Round(v)) };
        plot.Axes.Left.Label.Text = "Số người (≥ 18 tuổi có hồ sơ)";
        var adults = view.Hypertension.FirstOrDefault(s => s.Key == "adults")?.Count;
        plot.Axes.Bottom.Label.Text = "Tỷ lệ dưới mỗi số: trên bước trước (mắc bệnh: trên số người ≥ 18 tuổi; sàng lọc: trên số người ≥ 18 tuổi)"
            + (adults is { } a ? $"; người ≥ 18 tuổi có hồ sơ: {Vi.Number(a)}" : "")
            + $"; ngày {Vi.Date(view.AsOf)}"
            + (hidden ? "\nCột trống: số liệu bị ẩn để bảo vệ bí mật (số từ 1 đến 4 và ô có thể suy ra từ chúng)" : "");
        plot.Axes.Bottom.Label.FontSize = 11;
        plot.Axes.SetLimits(-1, Steps.Length * 3 - 1, 0, max * 1.18);
        plot.Grid.XAxisStyle.IsVisible = false;
        plot.Legend.Alignment = Alignment.UpperRight;
        plot.ShowLegend();
        return plot;
    }
}
