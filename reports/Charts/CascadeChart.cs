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
        ("screened", "Được sàng lọc (12 tháng)"), ("affected", "Mắc bệnh"), ("diagnosed", "Đã chẩn đoán"),
        ("treated", "Đang điều trị"), ("controlled", "Kiểm soát được"),
    ];

    public static Plot Build(CascadeView view)
    {
        var plot = ChartStyle.New($"Chuỗi chăm sóc tăng huyết áp và đái tháo đường – {view.UnitName}");
        var diseases = new[] { ("Tăng huyết áp", view.Hypertension, ChartStyle.Hypertension), ("Đái tháo đường", view.Diabetes, ChartStyle.Diabetes) };
        var hidden = false;
        double max = 1;
        // Horizontal bars, the first step at the top; per step hypertension above diabetes.
        double Y(int step, int disease) => (Steps.Length - 1 - step) * 3 + (1 - disease);
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
                    Position = Y(i, d), Value = count, FillColor = colour, LineWidth = 0, Size = 0.85,
                    Label = step.Share is { } share ? $"{Vi.Number(count)} ({Vi.Proportion(share)})" : Vi.Number(count),
                });
            }
            var bp = plot.Add.Bars(bars);
            bp.Horizontal = true;
            bp.LegendText = name;
            bp.ValueLabelStyle.FontSize = 12;
            bp.ValueLabelStyle.FontName = ChartStyle.Font;
        }
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. Steps.Select((_, i) => Y(i, 0) - 0.5)], [.. Steps.Select(s => s.Label)]);
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = v => Vi.Number((long)Math.Round(v)), IntegerTicksOnly = true,
        };
        var adults = view.Hypertension.FirstOrDefault(s => s.Key == "adults")?.Count;
        plot.Axes.Bottom.Label.Text = "Số người" + (adults is { } a ? $" (người ≥ 18 tuổi có hồ sơ: {Vi.Number(a)})" : "") + $"; ngày {Vi.Date(view.AsOf)}"
            + "\nTrong ngoặc: tỷ lệ trên bước trước (sàng lọc và mắc bệnh: trên số người ≥ 18 tuổi có hồ sơ)"
            + (hidden ? "\nKhông có cột: số liệu bị ẩn để bảo vệ bí mật (số từ 1 đến 4 và ô có thể suy ra từ chúng)" : "");
        plot.Axes.Bottom.Label.FontSize = 12;
        plot.Axes.SetLimits(0, max * 1.3, -0.7, Steps.Length * 3 - 1.3);
        plot.Grid.YAxisStyle.IsVisible = false;
        plot.Legend.Alignment = Alignment.LowerRight;
        plot.ShowLegend();
        return plot;
    }
}
