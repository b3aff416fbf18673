using HoSoSucKhoe.Models.Ncd;
using ScottPlot;

namespace HoSoSucKhoe.Reports.Charts;

/// <summary>One unit's 18-month programme series (<see cref="ProgrammeQueries.Trend"/>, already disclosed for the
/// viewer): the stacked monthly outcome bars and the control-rate trend lines. <paramref name="Unit"/>: the unit drawn
/// (its rows are picked from the trend; the trend may hold others).</summary>
public sealed record ProgrammeTrendChartInput(ProgrammeTrend Trend, string Unit) : ChartInput;

/// <summary>One unit's registration cohorts (<see cref="ProgrammeQueries.Cohorts"/>, disclosed): the cohort bars.</summary>
public sealed record ProgrammeCohortChartInput(ProgrammeCohorts Cohorts, string Unit) : ChartInput;

/// <summary>One month of a province's programme (<see cref="ProgrammeQueries.Month"/>, disclosed), for the map of
/// communes coloured by control rate. <paramref name="CodeSystem"/>: the latest snapshot's (the map needs "2025").</summary>
public sealed record ProgrammeMonthChartInput(ProgrammeTable Table, string CodeSystem) : ChartInput;

/// <summary>
/// The programme charts (issue 16 §2): <c>outcomes</c> (stacked monthly outcome shares, <see cref="ProgrammeTrendChartInput"/>),
/// <c>control</c> (control rate per month, snapshot and history-derived months marked apart, same input) and <c>cohorts</c>
/// (outcome shares per registration quarter, <see cref="ProgrammeCohortChartInput"/>), to PNG or SVG. Every value drawn is
/// a share the query served; a month or cohort with a hidden share is left out (no bar, no point, no label) and said so
/// under the chart. The map is <see cref="Maps.ChoroplethMap.Programme"/>.
/// </summary>
public static class ProgrammeChart
{
    public const string Outcomes = "outcomes", Control = "control", Cohorts = "cohorts";

    /// <summary>The programme chart kinds.</summary>
    public static readonly IReadOnlyList<string> Kinds = [Outcomes, Control, Cohorts];

    /// <summary>Colours of the outcomes, shared by the charts and the page's legend.</summary>
    internal static readonly Color Controlled = Color.FromHex("#1A9641"), Uncontrolled = Color.FromHex("#D7191C"),
        NoMeasure = Color.FromHex("#FDAE61"), Missed = Color.FromHex("#9E9E9E"), Lost = Color.FromHex("#5E5E5E");

    /// <summary>The note under a chart where disclosure left something out.</summary>
    internal const string HiddenNote = "Không vẽ: số liệu bị ẩn để bảo vệ bí mật (số từ 1 đến 4 và ô có thể suy ra từ chúng)";

    /// <exception cref="ArgumentException">Unknown kind (the message names the parameter) or an input of another kind.</exception>
    public static byte[] Render(string kind, ChartInput input, ChartFormat format, ChartSize? size = null)
    {
        var (plot, width, height) = (kind.ToLowerInvariant(), input) switch
        {
            (Outcomes, ProgrammeTrendChartInput t) => (ProgrammeChartOutcomes.Build(t), ProgrammeChartOutcomes.Width, ProgrammeChartOutcomes.Height),
            (Control, ProgrammeTrendChartInput t) => (ProgrammeChartTrend.Build(t, format), ProgrammeChartTrend.Width, ProgrammeChartTrend.Height),
            (Cohorts, ProgrammeCohortChartInput c) => (ProgrammeChartCohorts.Build(c), ProgrammeChartCohorts.Width, ProgrammeChartCohorts.Height),
            _ when !Kinds.Contains(kind.ToLowerInvariant()) =>
                throw new ArgumentException($"Tham số kind: '{kind}' không hợp lệ ({string.Join(", ", Kinds)})."),
            _ => throw new ArgumentException($"Tham số kind: biểu đồ '{kind}' không vẽ được từ {input.GetType().Name}."),
        };
        using (plot)
        {
            var (w, h) = (size ?? new ChartSize()).Or(width, height);
            return ChartStyle.Export(plot, format, w, h);
        }
    }

    /// <summary>The unit's rows of a trend, oldest month first.</summary>
    internal static List<ProgrammeMonth> RowsOf(ProgrammeTrendChartInput t) =>
        [.. t.Trend.Rows.Where(r => r.UnitCode == t.Unit).OrderBy(r => r.Month)];

    /// <summary>The served shares of a month in stacking order (controlled, uncontrolled, visited without measurement,
    /// missed visit, lost when included), or null when any of them is hidden or missing: such a month is not drawn.</summary>
    /// <summary>One stacked bar at <paramref name="position"/>: a segment per share (percent points, bottom up, into
    /// <paramref name="bars"/>), the first share written in white on its segment.</summary>
    internal static void Stack(Plot plot, List<Bar>[] bars, (string Label, Color Colour)[] parts, int position, IReadOnlyList<double> shares,
        double width, float fontSize)
    {
        var at = 0.0;
        for (var k = 0; k < shares.Count; k++)
        {
            bars[k].Add(new Bar { Position = position, ValueBase = at, Value = at + shares[k], FillColor = parts[k].Colour, LineWidth = 0, Size = width });
            at += shares[k];
        }
        var t = plot.Add.Text(Vi.Percent(shares[0], 1), position, shares[0] / 2);
        t.LabelFontSize = fontSize;
        t.LabelFontColor = Colors.White;
        t.LabelBold = true;
        t.LabelAlignment = Alignment.MiddleCenter;
    }

    /// <summary>Adds the stacks' bars, with a legend item of its own per part: a part with no bar drawn (all hidden)
    /// keeps its swatch.</summary>
    internal static void AddStacks(Plot plot, List<Bar>[] bars, (string Label, Color Colour)[] parts)
    {
        for (var k = 0; k < parts.Length; k++)
        {
            plot.Add.Bars(bars[k]);
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = parts[k].Label, FillColor = parts[k].Colour });
        }
    }

    internal static double[]? Shares(ProgrammeMonth r)
    {
        double?[] s = r.IncludeLost
            ? [r.ControlledShare, r.UncontrolledShare, r.VisitedWithoutMeasurementShare, r.MissedVisitShare, r.LostToFollowUpShare]
            : [r.ControlledShare, r.UncontrolledShare, r.VisitedWithoutMeasurementShare, r.MissedVisitShare];
        return s.All(x => x is not null) ? [.. s.Select(x => x!.Value * 100)] : null;
    }

    internal static string MonthText(DateOnly m) => m.ToString("MM/yyyy", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Month ticks at every index, "MM/yyyy", slanted.</summary>
    internal static void MonthTicks(Plot plot, IReadOnlyList<string> labels)
    {
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. labels.Select((_, i) => (double)i)], [.. labels]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 11;
        plot.Axes.Bottom.MinimumSize = 70;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
    }
}
