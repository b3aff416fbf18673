using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Api.Features.Ncd;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Reports.Charts;
using HoSoSucKhoe.Reports.Maps;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;

namespace HoSoSucKhoe.Api.Features.Web;

/// <summary>The hypertension and diabetes control programmes of a province (<c>/tinh/{code}/chuong-trinh</c>), as programme
/// staff read them (Simple / HEARTS360): KPI tiles of the chosen unit and month, the stacked monthly outcome bars, the
/// control-rate trend, the cohort bars, the communes coloured by control rate and the commune table. Every figure is
/// <see cref="ProgrammeView"/>'s, the reader of <c>/api/ncd/programme/{htn|dm}</c> (so the page, the API, its CSV and
/// its charts agree and hide the same cells). Who may see it:
/// as the NCD page (the province's epidemiologists, leadership and national callers; not commune officers).</summary>
public sealed class ProgrammeModel(SnapshotCatalog catalog, UnitScope scope, QueryGate gate, ProgrammeView view)
    : WebPageModel(catalog, scope, gate)
{
    public required LoadedSnapshot Snapshot { get; set; }
    public required string Disease { get; set; }
    public required string Unit { get; set; }
    public required bool IncludeLost { get; set; }

    /// <summary>The reference month: the province and its communes.</summary>
    public required ProgrammeTable Table { get; set; }

    /// <summary>The chosen unit's 18 months.</summary>
    public required ProgrammeTrend Trend { get; set; }

    /// <summary>The chosen unit's registration cohorts.</summary>
    public required ProgrammeCohorts Cohorts { get; set; }

    /// <summary>The chosen unit's row of the reference month.</summary>
    public ProgrammeMonth? Row => Table.Rows.FirstOrDefault(r => r.UnitCode == Unit);

    public IHtmlContent OutcomesSvg { get; private set; } = HtmlString.Empty;
    public IHtmlContent ControlSvg { get; private set; } = HtmlString.Empty;
    public IHtmlContent CohortsSvg { get; private set; } = HtmlString.Empty;
    public IHtmlContent MapSvg { get; private set; } = HtmlString.Empty;

    public async Task<IActionResult> OnGetAsync(string code, string? snapshot, string? disease, [FromQuery] ProgrammeParameters p)
    {
        code = Code(code, 2);
        var caller = Caller;
        if (caller.ScopeCommune is not null || !Scope.Allows(caller, ReferenceData.System2025, code)) throw Problems.Forbidden();
        Snapshot = Catalog.Resolve(caller.ScopeProvince, snapshot);
        if (!Scope.Allows(caller, Snapshot.CodeSystem, Snapshot.ProvinceCode) || Snapshot.ProvinceCode != code) throw Problems.Forbidden();
        Disease = disease ?? ProgrammeDiseases.Hypertension;
        if (!ProgrammeDiseases.IsKnown(Disease)) throw Problems.OneOf("disease", Disease, ProgrammeDiseases.All);
        var unit = p.ValidUnit() ?? code;
        var month = p.ValidMonth();
        IncludeLost = p.ValidIncludeLost();
        var s = Snapshot;
        (Table, Trend, Cohorts) = await Read(() => (view.Month(caller, s, Disease, null, month, IncludeLost),
            view.Trend(caller, s, Disease, unit, IncludeLost), view.Cohorts(caller, s, Disease, unit)));
        // A unit that is not the province nor one of its communes in scope (the API answers 403 alike).
        if (Table.Rows.All(r => r.UnitCode != unit)) throw Problems.Forbidden();
        Unit = unit;
        var drawn = await PageCharts.Side(
            () => PageCharts.Programme(ProgrammeChart.Outcomes, new ProgrammeTrendChartInput(Trend, unit)),
            () => PageCharts.Programme(ProgrammeChart.Control, new ProgrammeTrendChartInput(Trend, unit)),
            () => PageCharts.Programme(ProgrammeChart.Cohorts, new ProgrammeCohortChartInput(Cohorts, unit)),
            () => PageCharts.Programme(ChoroplethMap.ControlMeasure, new ProgrammeMonthChartInput(Table, s.CodeSystem),
                c => Link(unit: c.Code)));
        (OutcomesSvg, ControlSvg, CohortsSvg, MapSvg) = (drawn[0], drawn[1], drawn[2], drawn[3]);
        SetShell("programme", code, Snapshot, [.. Catalog.VisibleTo(caller.ScopeProvince).Where(x => x.ProvinceCode == code)]);
        ViewData["Title"] = "Chương trình THA/ĐTĐ";
        return Page();
    }

    /// <summary>This page with the current choices, some replaced.</summary>
    public string Link(string? disease = null, string? unit = null, bool? includeLost = null, string? month = null) =>
        $"/tinh/{Snapshot.ProvinceCode}/chuong-trinh?" + string.Join("&", new (string, string?)[]
        {
            ("snapshot", Snapshot.SnapshotId), ("disease", disease ?? Disease), ("unit", unit ?? Unit),
            ("month", month ?? Table.ReferenceMonth.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)),
            ("includeLost", (includeLost ?? IncludeLost) ? "true" : null),
        }.Where(q => q.Item2 is not null).Select(q => $"{q.Item1}={Uri.EscapeDataString(q.Item2!)}"));

    /// <summary>An API address of the programme endpoints with the page's snapshot (and more query parameters).</summary>
    public string Api(string path, params (string Key, string? Value)[] query) =>
        $"/api/ncd/programme/{Disease}{path}?" + string.Join("&", new[] { ("snapshot", (string?)Snapshot.SnapshotId) }.Concat(query)
            .Where(q => q.Item2 is not null).Select(q => $"{q.Item1}={Uri.EscapeDataString(q.Item2!)}"));

    /// <summary>A count as served: "ẩn" when disclosure hid it, "—" when there is none.</summary>
    public static string Count(int? n, bool suppressed) => n is null && suppressed ? "ẩn" : Vi.N(n);

    /// <summary>A share as served: "ẩn" when hidden, "—" when there is none.</summary>
    public static string Rate(double? p, bool suppressed) => p is null && suppressed ? "ẩn" : Vi.Share(p);

    public static string Month(DateOnly m) => m.ToString("MM/yyyy", System.Globalization.CultureInfo.InvariantCulture);

    public static string SourceName(string source) => source == ProgrammeSources.Snapshot ? "ảnh chụp của tháng" : "lịch sử khám";

    public static string Quarter(ProgrammeCohort c) => $"Quý {(c.RegisteredFrom.Month - 1) / 3 + 1}/{c.RegisteredFrom.Year}";
}
