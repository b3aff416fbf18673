using System.Text;
using System.Text.Encodings.Web;
using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Reports.Charts;
using HoSoSucKhoe.Reports.Maps;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.AspNetCore.Html;

namespace HoSoSucKhoe.Api.Features.Web;

/// <summary>Charts and maps inline in the pages: the API's chart code (<see cref="ChartInputs"/>, <see cref="ChartRenderer"/>)
/// as SVG, disclosed for the viewer (maps with a link and a tooltip per commune, <see cref="ChoroplethMap.LinkedSvg"/>), with a short Vietnamese note where a chart cannot be drawn (a legacy snapshot's map).</summary>
public sealed class PageCharts(CoverageQueries queries, NcdDataStore ncd)
{
    /// <summary>A chart of <paramref name="code"/> in <paramref name="snapshot"/>, its input read by <see cref="ChartInputs.For"/>.</summary>
    /// <param name="ncdMeasure">The hypertension/diabetes measure of prevalence charts and maps (default
    /// <see cref="ChartInputs.DefaultNcdMeasure"/>), as the chart endpoint's <c>ncdMeasure</c>.</param>
    public IHtmlContent Svg(string kind, string? measure, string code, LoadedSnapshot? snapshot, Audience audience, string? ncdMeasure = null) =>
        snapshot is null ? HtmlString.Empty : Draw(kind, measure, snapshot, () => ChartInputs.For(kind, measure, ncdMeasure, queries, ncd, code, snapshot, audience));

    /// <summary>A chart from the page's own query result (the object <see cref="ChartInputs.For"/> would read for this kind:
    /// the children table for coverage and map coverage|gap, the series up to the snapshot for trend), not read twice.</summary>
    public IHtmlContent Svg(string kind, string? measure, ChartInput input, LoadedSnapshot snapshot) => Draw(kind, measure, snapshot, () => input);

    /// <summary>A programme chart (<see cref="ProgrammeChart"/>) or, for <see cref="ChoroplethMap.ControlMeasure"/>, the
    /// programme map (<see cref="ChoroplethMap.Programme"/>, each commune a link given by <paramref name="href"/>), from the
    /// page's own <see cref="ProgrammeQueries"/> result.</summary>
    public static IHtmlContent Programme(string kind, ChartInput input, Func<MapCommune, string?>? href = null)
    {
        try
        {
            if (kind == ChoroplethMap.ControlMeasure && input is ProgrammeMonthChartInput m)
                return new HtmlString(ChoroplethMap.Programme(m).LinkedSvg(href ?? (_ => null)));
            return Inline(ProgrammeChart.Render(kind, input, ChartFormat.Svg));
        }
        catch (MapNotAvailableException e)
        {
            return new HtmlString($"<p class=\"note\">{HtmlEncoder.Default.Encode(e.Message)}</p>");
        }
    }

    /// <summary>An SVG document as inline markup (its XML declaration dropped).</summary>
    public static IHtmlContent Inline(byte[] svgDocument)
    {
        var svg = Encoding.UTF8.GetString(svgDocument);
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        return new HtmlString(start > 0 ? svg[start..] : svg);
    }

    /// <summary>Draws a page's charts side by side (independent drawings, one per core), results in the given order.</summary>
    public static Task<IHtmlContent[]> Side(params Func<IHtmlContent>[] drawings) => Task.WhenAll(drawings.Select(d => Task.Run(d)));

    static IHtmlContent Draw(string kind, string? measure, LoadedSnapshot snapshot, Func<ChartInput> read)
    {
        try
        {
            var input = read();
            // Maps: each commune a link to its page with its name and value as tooltip (the same drawing as the API's SVG).
            if (kind == ChartRenderer.Map)
                return new HtmlString(ChoroplethMap.Build(measure!, input).LinkedSvg(c => $"/xa/{c.Code}?snapshot={snapshot.SnapshotId}"));
            return Inline(ChartRenderer.Render(kind, input, ChartFormat.Svg, measure));
        }
        catch (Exception e) when (e is MapNotAvailableException or KpiNotFoundException)
        {
            return new HtmlString($"<p class=\"note\">{HtmlEncoder.Default.Encode(e.Message)}</p>");
        }
    }
}
