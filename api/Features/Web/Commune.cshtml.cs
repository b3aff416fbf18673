using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Features.Coverage;
using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;
using HoSoSucKhoe.Reports.Charts;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;

namespace HoSoSucKhoe.Api.Features.Web;

/// <summary>One commune (<c>/xa/{code}</c>): the reports of <c>/api/coverage/units/{code}/…</c> and its row of
/// <c>/api/ncd/cascade</c>, through the same queries, scope checks and disclosure.</summary>
public sealed class CommuneModel(SnapshotCatalog catalog, UnitScope scope, QueryGate gate, CoverageScope coverage, CoverageQueries queries,
    NcdDataStore ncd, PageCharts charts) : WebPageModel(catalog, scope, gate)
{
    public required UnitSeries Series { get; set; }
    public required UnitTargetsReport Targets { get; set; }
    public required PriorityGroupsView PriorityGroups { get; set; }
    public required CompletenessReport Completeness { get; set; }
    public required DataQualityReport DataQuality { get; set; }
    public CascadeView? Cascade { get; set; }

    /// <summary>The series chart and, with a cascade, the cascade chart (drawn side by side).</summary>
    public IHtmlContent TrendSvg { get; private set; } = HtmlString.Empty;
    public IHtmlContent CascadeSvg { get; private set; } = HtmlString.Empty;

    /// <summary>The line lists with names: only for this commune's own officer (<see cref="Caller.MaySeeNamesOf"/>).</summary>
    public bool ShowsLineLists { get; set; }

    public async Task<IActionResult> OnGetAsync(string code, string? snapshot)
    {
        code = Code(code, 5);
        var chosen = coverage.Snapshot(Caller, code, snapshot, false);
        var systems = coverage.AllowedSystems(Caller, code, [ReferenceData.System2025, ReferenceData.SystemLegacy]);
        var caller = Caller;
        // Independent reads side by side (the gate lets one heavy query per core through), then the two charts.
        var seriesAndTargets = Task.Run(() => Read(() =>
        {
            var series = queries.Series(code, systems.Count == 1 ? systems[0] : null, chosen.AsOf);
            return (series, queries.Targets(code, chosen.SnapshotId, series));
        }));
        var groups = Task.Run(() => Read(() => queries.PriorityGroups(code, chosen.SnapshotId)));
        var completeness = Task.Run(() => Read(() => queries.Completeness(code, chosen.SnapshotId)));
        var quality = Task.Run(() => Read(() => queries.DataQuality(code, chosen.SnapshotId)));
        var data = await Read(() => ncd.Get(chosen));
        Cascade = data.Cascades().Where(r => r.UnitCode == code && Scope.Allows(caller, chosen.CodeSystem, r.UnitCode))
            .Select(r => data.Suppression.Disclose(r, caller.Audience)).FirstOrDefault();
        (Series, Targets) = await seriesAndTargets;
        PriorityGroups = PriorityGroupsDisclosure.Disclose(await groups, caller.Audience);
        (Completeness, DataQuality) = (await completeness, await quality);
        var drawn = await PageCharts.Side(
            () => charts.Svg("trend", null, new TrendChartInput(Series), chosen),
            () => Cascade is null ? HtmlString.Empty : charts.Svg("cascade", null, code, chosen, caller.Audience));
        (TrendSvg, CascadeSvg) = (drawn[0], drawn[1]);
        ShowsLineLists = caller.MaySeeNamesOf(code);
        SetShell("commune", ProvinceOf(chosen, code), chosen, SnapshotsFor(code));
        ViewData["Title"] = Targets.Unit.Name;
        return Page();
    }
}
