using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Api.Features.Ncd;
using HoSoSucKhoe.Api.Requests;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Reports.Charts;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;

namespace HoSoSucKhoe.Api.Features.Web;

/// <summary>The national page (<c>/toan-quoc</c>, issue 15 §4) for the Ministry's leadership and epidemiologists: every
/// province's coverage against the targets and the national total (<c>/api/coverage/national</c>), the hypertension and
/// diabetes cascades and the age-standardised prevalence of the picked measure by province and pooled
/// (<c>/api/ncd/national/…</c>), with the same query objects, so the same figures and disclosure. National scope only.</summary>
public sealed class NationalModel(SnapshotCatalog catalog, UnitScope scope, QueryGate gate, CoverageQueries queries, NcdDataStore ncd)
    : WebPageModel(catalog, scope, gate)
{
    public required NationalCoverageTable Coverage { get; set; }
    public required IReadOnlyList<CascadeView> Cascades { get; set; }
    public required IReadOnlyList<PrevalenceEstimate> Prevalence { get; set; }
    public required Measure Measure { get; set; }
    public DateOnly? AsOf { get; set; }
    public IHtmlContent PrevalenceSvg { get; private set; } = HtmlString.Empty;

    public async Task<IActionResult> OnGetAsync(string? asOf, string? measure)
    {
        var caller = Caller;
        if (!caller.IsNational) throw Problems.Forbidden();
        AsOf = Parameters.Date("asOf", asOf);
        var (m, _, _) = new NcdParameters { Measure = measure }.ValidEstimate();
        Measure = m;
        var adults = AgeStandard.Group("18+");
        (Coverage, Cascades, Prevalence) = await Read(() =>
        {
            var nation = NationalNcdEndpoints.NationalData(Catalog, ncd, AsOf);
            return (queries.National(AsOf), NationalNcd.Cascades(nation, caller.Audience), NationalNcd.Prevalence(nation, m, "all", adults, caller.Audience));
        });
        PrevalenceSvg = PageCharts.Inline(NationalChart.Render(Prevalence, m.Name, ChartFormat.Svg));
        SetShell("national", null, null, []);
        ViewData["Title"] = "Toàn quốc";
        return Page();
    }

    /// <summary>The snapshot a province row was read from (its own latest on or before the date).</summary>
    public LoadedSnapshot? SnapshotOf(string province) => Coverage.Provinces.FirstOrDefault(p => p.Row.Code == province)?.Snapshot;

    public static CascadeStep? Step(IReadOnlyList<CascadeStep> steps, string key) => steps.FirstOrDefault(s => s.Key == key);

    /// <summary>A step's share as served ("ẩn" when disclosure hid it).</summary>
    public static string Share(IReadOnlyList<CascadeStep> steps, string key) =>
        Step(steps, key) is { } s ? NcdModel.Rate(s.Share, s.Suppressed) : Vi.None;

    /// <summary>A step's count as served ("ẩn" when disclosure hid it).</summary>
    public static string Count(IReadOnlyList<CascadeStep> steps, string key) =>
        Step(steps, key) is { } s ? NcdModel.Count(s.Count, s.Suppressed) : Vi.None;
}
