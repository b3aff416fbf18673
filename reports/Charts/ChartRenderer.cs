using HoSoSucKhoe.Reports.Maps;
using ScottPlot;

namespace HoSoSucKhoe.Reports.Charts;

/// <summary>
/// The one entry point for charts and maps: <see cref="Render"/> by kind key (<see cref="Kinds"/>) and, for maps, measure
/// (<see cref="ChoroplethMap.Measures"/>), from a <see cref="ChartInput"/> holding a query result (already disclosed), to
/// PNG or SVG. All text is Vietnamese with vi-VN number formats (1.234.567; 95,20%) and dates dd/MM/yyyy.
/// </summary>
public static class ChartRenderer
{
    public const string Coverage = "coverage", Trend = "trend", Cascade = "cascade", Prevalence = "prevalence", Map = "map";

    /// <summary>Chart kinds: coverage (<see cref="CoverageChartInput"/>), trend (<see cref="TrendChartInput"/>), cascade
    /// (<see cref="CascadeChartInput"/>), prevalence (<see cref="PrevalenceChartInput"/>) and map (by measure, see
    /// <see cref="ChoroplethMap.Build"/>).</summary>
    public static readonly IReadOnlyList<string> Kinds = [Coverage, Trend, Cascade, Prevalence, Map];

    public static string ContentType(ChartFormat format) => ChartFormats.ContentType(format);

    /// <summary>Renders a chart. <paramref name="measure"/> is required for <c>map</c> and ignored otherwise.</summary>
    /// <exception cref="ArgumentException">Unknown kind or measure (message names the parameter), or an input of another kind.</exception>
    /// <exception cref="MapNotAvailableException">A map of a legacy snapshot or of a unit that is not a 2025 province.</exception>
    public static byte[] Render(string kind, ChartInput input, ChartFormat format, string? measure = null, ChartSize? size = null)
    {
        switch (kind.ToLowerInvariant(), input)
        {
            case (Map, _):
                return ChoroplethMap.Build(measure ?? throw new ArgumentException("Tham số measure: bắt buộc với kind=map."), input).Render(format, size);
            case (Coverage, CoverageChartInput c):
            {
                var (plot, height) = CoverageChart.Build(c.Table, format);
                return Export(plot, format, size, CoverageChart.Width, height);
            }
            case (Trend, TrendChartInput t):
                return Export(TrendChart.Build(t.Series, format), format, size, TrendChart.Width, TrendChart.Height);
            case (Cascade, CascadeChartInput c):
                return Export(CascadeChart.Build(c.View), format, size, CascadeChart.Width, CascadeChart.Height);
            case (Prevalence, PrevalenceChartInput p):
                return Export(PrevalenceChart.Build(p, format), format, size, PrevalenceChart.Width, PrevalenceChart.Height);
            default:
                if (!Kinds.Contains(kind.ToLowerInvariant()))
                    throw new ArgumentException($"Tham số kind: '{kind}' không hợp lệ ({string.Join(", ", Kinds)}).");
                throw new ArgumentException($"Tham số kind: biểu đồ '{kind}' không vẽ được từ {input.GetType().Name}.");
        }
    }

    static byte[] Export(Plot plot, ChartFormat format, ChartSize? size, int width, int height)
    {
        using (plot)
        {
            var (w, h) = (size ?? new ChartSize()).Or(width, height);
            return ChartStyle.Export(plot, format, w, h);
        }
    }
}
