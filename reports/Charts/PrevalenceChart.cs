using HoSoSucKhoe.Models.Ncd;
using ScottPlot;

namespace HoSoSucKhoe.Reports.Charts;

/// <summary>
/// Crude prevalence of one unit by age group and sex with 95 % confidence intervals (Wilson, as served), and beside them
/// the STEPS anchors of the same measure: the survey value next to the record-based age-standardised value and its CI.
/// A suppressed row has no bar and no interval.
/// </summary>
static class PrevalenceChart
{
    public const int Width = 1100, Height = 620;
    static readonly Color Record = Color.FromHex("#A6611A");
    static readonly (string Key, string Label, Color Colour)[] Sexes =
        [("male", "Nam", ChartStyle.Male), ("female", "Nữ", ChartStyle.Female), ("all", "Chung hai giới", ChartStyle.Both)];

    public static Plot Build(PrevalenceChartInput input, ChartFormat format)
    {
        var first = input.Rows.FirstOrDefault() ?? throw new ArgumentException("Biểu đồ tỷ lệ hiện mắc cần ít nhất một dòng số liệu.");
        var unit = input.Rows.FirstOrDefault(r => r.Level == "province")?.UnitCode ?? first.UnitCode;
        var rows = input.Rows.Where(r => r.UnitCode == unit).ToList();
        var name = rows[0].UnitName;
        var plot = ChartStyle.New($"{input.MeasureName} – {name}");
        var groups = rows.Select(r => r.AgeGroup).Distinct().ToList();
        var sexes = Sexes.Where(s => rows.Any(r => r.Sex == s.Key)).ToList();
        var width = sexes.Count + 1;
        var hidden = false;
        double max = 1;
        var intervals = new List<(double X, double Value, double Lo, double Hi)>();
        foreach (var (sex, (key, label, colour)) in sexes.Index())
        {
            var bars = new List<Bar>();
            foreach (var (g, group) in groups.Index())
            {
                var r = rows.FirstOrDefault(x => x.AgeGroup == group && x.Sex == key);
                if (r is null) continue;
                if (r.Suppressed || r.Crude is not { } crude) { hidden |= r.Suppressed; continue; }
                var v = crude * 100;
                var hi = (r.CrudeHi ?? crude) * 100;
                max = Math.Max(max, hi);
                bars.Add(new Bar
                {
                    Position = g * width + sex, Value = v, FillColor = colour, LineWidth = 0, Size = 0.9,
                });
                intervals.Add((g * width + sex, v, (r.CrudeLo ?? crude) * 100, hi));
            }
            plot.Add.Bars(bars).LegendText = label;
        }
        var ticks = groups.Select((g, i) => (i * width + (sexes.Count - 1) / 2.0, AgeLabel(g))).ToList();

        var anchors = (input.Anchors ?? []).Where(a => a.Measure == first.Measure).ToList();
        var x0 = groups.Count * width + 1;
        foreach (var (i, a) in anchors.Index())
        {
            var x = x0 + i * 3;
            var survey = new Bar
            {
                Position = x, Value = a.SurveyValue * 100, FillColor = ChartStyle.Survey, LineWidth = 0, Size = 0.9,
            };
            var survey2 = a.Survey.Replace("STEPS 2010–2020 (năm 2020)", "STEPS 2020");
            var ages = a.Ages.Replace('-', '–');
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"{survey2}, {ages} tuổi: {Vi.Proportion(a.SurveyValue)}", FillColor = ChartStyle.Survey });
            var bars = new List<Bar> { survey };
            if (a.RecordStandardised is { } rs)
            {
                var v = rs * 100;
                var hi = (a.RecordStandardisedHi ?? rs) * 100;
                bars.Add(new Bar
                {
                    Position = x + 1, Value = v, FillColor = Record, LineWidth = 0, Size = 0.9,
                });
                plot.Legend.ManualItems.Add(new LegendItem
                {
                    LabelText = $"Từ hồ sơ, chuẩn hoá tuổi {ages}: {Vi.Proportion(rs)}"
                        + (a.RecordStandardisedLo is { } lo && a.RecordStandardisedHi is { } up ? $" (KTC 95%: {Vi.Proportion(lo, 1)} – {Vi.Proportion(up, 1)})" : ""),
                    FillColor = Record,
                });
                intervals.Add((x + 1, v, (a.RecordStandardisedLo ?? rs) * 100, hi));
                max = Math.Max(max, hi);
            }
            max = Math.Max(max, a.SurveyValue * 100);
            plot.Add.Bars(bars);
            ticks.Add((x + 0.5, $"{survey2}\n{ages} tuổi"));
        }
        if (anchors.Count > 0)
        {
            var sep = plot.Add.VerticalLine(x0 - 1, 1, ChartStyle.Muted, ChartStyle.Dash(format, LinePattern.Dotted));
            sep.ExcludeFromLegend = true;
        }

        ChartStyle.Intervals(plot, intervals);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks.Select(t => t.Item1)], [.. ticks.Select(t => t.Item2)]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 11;
        ChartStyle.PercentTicks(plot.Axes.Left);
        plot.Axes.Left.Label.Text = "Tỷ lệ thô (khoảng tin cậy 95%)";
        plot.Axes.Bottom.Label.Text = $"Nhóm tuổi; mẫu số: {Denominator(first.Measure)}; ngày {Vi.Date(first.AsOf)}"
            + (hidden ? "\nÔ trống: số liệu bị ẩn để bảo vệ bí mật" : "");
        plot.Axes.Bottom.Label.FontSize = 11;
        var right = anchors.Count > 0 ? x0 + anchors.Count * 3 - 1 : groups.Count * width - 1;
        plot.Axes.SetLimits(-1, right, 0, Math.Max(Math.Min(100.5, max * 1.12), max + 1));
        plot.Grid.XAxisStyle.IsVisible = false;
        plot.Legend.Alignment = Alignment.UpperLeft;
        plot.Legend.FontSize = 11;
        plot.ShowLegend();
        return plot;
    }

    static string AgeLabel(string group) => group.Replace('-', '–');

    static string Denominator(string measure) => Measure.Find(measure)?.DenominatorName ?? measure;
}
