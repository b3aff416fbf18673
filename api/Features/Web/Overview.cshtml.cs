using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Features.Coverage;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;
using HoSoSucKhoe.Reports.Charts;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;

namespace HoSoSucKhoe.Api.Features.Web;

/// <summary>The province overview (<c>/tinh/{code}</c>): the figures of <c>/api/coverage/communes</c>,
/// <c>/api/coverage/units/{code}/targets</c> and <c>/series</c>, read through the same queries and scope checks.</summary>
public sealed class OverviewModel(SnapshotCatalog catalog, UnitScope scope, QueryGate gate, CoverageScope coverage, CoverageQueries queries,
    PageCharts charts) : WebPageModel(catalog, scope, gate)
{
    public const int Lagging = 10;

    public required CoverageTable Table { get; set; }
    public required UnitTargetsReport Targets { get; set; }
    public required UnitSeries Series { get; set; }
    public IHtmlContent MapSvg { get; private set; } = HtmlString.Empty;
    public IHtmlContent CoverageSvg { get; private set; } = HtmlString.Empty;
    public IHtmlContent TrendSvg { get; private set; } = HtmlString.Empty;

    public async Task<IActionResult> OnGetAsync(string code, string? snapshot)
    {
        code = Code(code, 2);
        var chosen = coverage.Snapshot(Caller, code, snapshot, false);
        // The table and the series → targets are independent: read side by side (the gate allows one heavy query per
        // core), then the three drawings side by side. Each is the same query and chart code as before, read once.
        // As /series up to the chosen snapshot (the trend chart's input): every code system in which the caller may see
        // the unit (legacy points bridged); the targets' projections are fitted to the same points.
        var systems = coverage.AllowedSystems(Caller, code, [ReferenceData.System2025, ReferenceData.SystemLegacy]);
        var table = Task.Run(() => Read(() => queries.Children(new CoverageRequest(code) { SnapshotId = chosen.SnapshotId, Sort = "coverage_pct" })));
        var seriesAndTargets = Task.Run(() => Read(() => queries.TargetsAndSeries(code, chosen.SnapshotId,
            queries.Series(code, systems.Count == 1 ? systems[0] : null, chosen.AsOf))));
        Table = await table;
        (Targets, Series) = await seriesAndTargets;
        var drawn = await PageCharts.Side(
            () => charts.Svg("map", "coverage", new CoverageChartInput(Table), Table.Snapshot),
            () => charts.Svg("coverage", null, new CoverageChartInput(Table), Table.Snapshot),
            () => charts.Svg("trend", null, new TrendChartInput(Series), Table.Snapshot));
        (MapSvg, CoverageSvg, TrendSvg) = (drawn[0], drawn[1], drawn[2]);
        SetShell("overview", code, chosen, SnapshotsFor(code));
        ViewData["Title"] = $"Tổng quan {Targets.Unit.Name}";
        return Page();
    }

    /// <summary>Communes that meet a target, of those with a denominator (the flags of the API's rows, counted).</summary>
    public (int Meets, int Judged) Meeting(string key) =>
        (Table.Rows.Count(r => r.Targets.Any(t => t.Key == key && t.Meets == true)), Table.Rows.Count(r => r.Targets.Any(t => t.Key == key && t.Meets is not null)));

    public IEnumerable<CoverageRow> LaggingMost => Table.Rows.Where(r => r.CoveragePct is not null).Take(Lagging);
}
