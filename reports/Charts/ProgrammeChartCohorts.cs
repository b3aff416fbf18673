using ScottPlot;

namespace HoSoSucKhoe.Reports.Charts;

/// <summary>
/// The registration cohorts of one unit: per quarter of registration a stacked bar of the served shares of the patients
/// registered then (controlled / uncontrolled at the last measurement of the following quarter, visited without a
/// measurement, missed: no visit in that quarter), the number registered under the quarter. A cohort with a hidden share
/// has no bar and no label.
/// </summary>
static class ProgrammeChartCohorts
{
    public const int Width = 1000, Height = 540;

    public static Plot Build(ProgrammeCohortChartInput input)
    {
        var rows = input.Cohorts.Rows.Where(r => r.UnitCode == input.Unit).OrderBy(r => r.RegisteredFrom).ToList();
        var name = rows.FirstOrDefault()?.UnitName ?? input.Unit;
        var plot = ChartStyle.New($"Kết quả ở quý sau của bệnh nhân {input.Cohorts.DiseaseName} đăng ký mới theo quý – {name}");
        (string Label, Color Colour)[] parts =
        [
            ("Kiểm soát", ProgrammeChart.Controlled), ("Chưa kiểm soát", ProgrammeChart.Uncontrolled),
            ("Có khám, không đo/xét nghiệm", ProgrammeChart.NoMeasure), ("Bỏ tái khám (không khám trong quý)", ProgrammeChart.Missed),
        ];
        var bars = parts.Select(_ => new List<Bar>()).ToArray();
        var labels = new List<string>();
        var hidden = false;
        foreach (var (i, r) in rows.Index())
        {
            double?[] s = [r.ControlledShare, r.UncontrolledShare, r.VisitedWithoutMeasurementShare, r.MissedVisitShare];
            var drawn = s.All(x => x is not null) && r.Registered is not null;
            labels.Add($"Quý {(r.RegisteredFrom.Month - 1) / 3 + 1}/{r.RegisteredFrom.Year}");
            var n = plot.Add.Text(drawn ? $"{Vi.Number(r.Registered!.Value)} người" : r.Suppressed ? "ẩn" : "không có", i, 100);
            n.LabelFontSize = 11;
            n.LabelAlignment = Alignment.LowerCenter;
            n.OffsetY = -3;
            n.LabelFontColor = ChartStyle.Muted;
            if (!drawn) { hidden |= r.Suppressed; continue; }
            ProgrammeChart.Stack(plot, bars, parts, i, [.. s.Select(x => x!.Value * 100)], 0.7, 11);
        }
        ProgrammeChart.AddStacks(plot, bars, parts);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. labels.Select((_, i) => (double)i)], [.. labels]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 11;
        ChartStyle.PercentTicks(plot.Axes.Left);
        plot.Axes.Left.Label.Text = "Tỷ lệ trên số đăng ký mới";
        plot.Axes.Bottom.Label.Text = $"Quý đăng ký (trên cột: số người đăng ký mới, còn sống); kết quả ở quý tiếp theo\nẢnh chụp {input.Cohorts.SnapshotId}, ngày {Vi.Date(input.Cohorts.AsOf)}"
            + (hidden ? "\n" + ProgrammeChart.HiddenNote : "");
        plot.Axes.Bottom.Label.FontSize = 11;
        plot.Axes.SetLimits(-0.6, Math.Max(rows.Count, 1) - 0.4, 0, 108);
        plot.Grid.XAxisStyle.IsVisible = false;
        plot.Legend.FontSize = 11;
        plot.ShowLegend(Edge.Right);
        return plot;
    }
}
