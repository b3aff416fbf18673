using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Api.Features.Ncd;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;

namespace HoSoSucKhoe.Api.Features.Web;

/// <summary>Hypertension and diabetes of a province (<c>/tinh/{code}/ncd</c>) for its epidemiologists and leadership:
/// the figures of <c>/api/ncd/cascade</c>, <c>/prevalence</c>, <c>/anchors</c>, <c>/clusters</c>, <c>/comorbidity</c> and
/// <c>/model</c> through the same shared methods of <see cref="NcdEndpoints"/>, so with the same scope rule and disclosure.
/// The picker's measure, sex and age group are those of <c>/api/ncd/prevalence</c>.</summary>
public sealed class NcdModel(SnapshotCatalog catalog, UnitScope scope, QueryGate gate, NcdDataStore ncd, WarehouseDb db, RiskModels models,
    PageCharts charts)
    : WebPageModel(catalog, scope, gate)
{
    /// <summary>How long the page waits for a risk model still training at start-up before saying so.</summary>
    static readonly TimeSpan ModelWait = TimeSpan.FromSeconds(10);

    public required IReadOnlyList<CascadeView> Rows { get; set; }
    public required LoadedSnapshot Snapshot { get; set; }
    public required Measure Measure { get; set; }
    public required string Sex { get; set; }
    public required AgeGroup Ages { get; set; }

    /// <summary>The province row of every sex × age group (all adults, STEPS groups, five-year bands) of the measure.</summary>
    public required IReadOnlyList<PrevalenceEstimate> Province { get; set; }

    /// <summary>The commune rows of the picked measure, sex and age group (raw and smoothed).</summary>
    public required IReadOnlyList<PrevalenceEstimate> Communes { get; set; }

    public required IReadOnlyList<AnchorComparison> Anchors { get; set; }
    public required ClusterResult Clusters { get; set; }
    public required ComorbidityTable Comorbidity { get; set; }
    public ModelCard? Card { get; set; }

    /// <summary>The province cascade chart, the prevalence chart by five-year band and the smoothed map (drawn side by side).</summary>
    public IHtmlContent CascadeSvg { get; private set; } = HtmlString.Empty;
    public IHtmlContent PrevalenceSvg { get; private set; } = HtmlString.Empty;
    public IHtmlContent MapSvg { get; private set; } = HtmlString.Empty;
    public bool ModelStillTraining { get; set; }

    /// <summary>Whether the smoothed map (drawn by <see cref="PageCharts"/> for the picked measure, both sexes and all
    /// adults) shows the picked figures.</summary>
    public bool ChartsShowPicked => Sex == "all" && Ages.Label == "18+";

    public async Task<IActionResult> OnGetAsync(string code, string? snapshot, string? measure, string? sex, string? ages)
    {
        code = Code(code, 2);
        var caller = Caller;
        if (caller.ScopeCommune is not null || !Scope.Allows(caller, ReferenceData.System2025, code)) throw Problems.Forbidden();
        Snapshot = Catalog.Resolve(caller.ScopeProvince, snapshot);
        if (!Scope.Allows(caller, Snapshot.CodeSystem, Snapshot.ProvinceCode) || Snapshot.ProvinceCode != code) throw Problems.Forbidden();
        (Measure, Sex, Ages) = new NcdParameters { Measure = measure, Sex = sex, Ages = ages }.ValidEstimate();
        var s = Snapshot;
        // Four independent pieces side by side (two cores): the estimates, the comorbidity table (a query), the clusters
        // and the three charts.
        var drawing = PageCharts.Side(
            () => charts.Svg("cascade", null, code, s, caller.Audience),
            () => charts.Svg("prevalence", null, code, s, caller.Audience, Measure.Key),
            () => ChartsShowPicked ? charts.Svg("map", "smoothed", code, s, caller.Audience, Measure.Key) : HtmlString.Empty);
        var comorbidity = Task.Run(() => Read(() => NcdEndpoints.ComorbidityOf(db, s, s.ProvinceCode, caller.Audience)));
        var clusters = Task.Run(() => Read(() => NcdEndpoints.ClustersOf(ncd.Get(s), 4)));
        (Rows, Province, Communes, Anchors) = await Read(() =>
        {
            var data = ncd.Get(s);
            var province = (from sx in Burden.Sexes
                            from g in AgeStandard.Groups
                            from r in NcdEndpoints.PrevalenceRows(data, Measure, sx, g, Scope, caller, s.ProvinceCode)
                            select r).ToList();
            var communes = NcdEndpoints.PrevalenceRows(data, Measure, Sex, Ages, Scope, caller, null).Where(r => r.Level == Levels.Commune).ToList();
            return (NcdEndpoints.CascadeRows(data, Scope, caller, null), province, communes, data.Anchors());
        });
        (Clusters, Comorbidity) = (await clusters, await comorbidity);
        var drawn = await drawing;
        (CascadeSvg, PrevalenceSvg, MapSvg) = (drawn[0], drawn[1], drawn[2]);
        try
        {
            await models.Ready.WaitAsync(ModelWait, HttpContext.RequestAborted);
            Card = await Read(models.Latest);
        }
        catch (TimeoutException) { ModelStillTraining = true; }
        SetShell("ncd", code, Snapshot, [.. Catalog.VisibleTo(caller.ScopeProvince).Where(x => x.ProvinceCode == code)]);
        ViewData["Title"] = "Tăng huyết áp & đái tháo đường";
        return Page();
    }

    /// <summary>Whether disclosure hid the figures weighed over the group's bands (standardised rate, smoothed value,
    /// shrinkage) but left the crude rate: with a crude rate, a group of several bands always has a standardised one.</summary>
    public static bool PartlyHidden(PrevalenceEstimate r) =>
        !r.Suppressed && r.Crude is not null && r.Standardised is null && AgeStandard.Group(r.AgeGroup).Bands.Length > 1;

    /// <summary>Whether the row's band-weighed figures are hidden, wholly or partly.</summary>
    public static bool BandsHidden(PrevalenceEstimate r) => r.Suppressed || PartlyHidden(r);

    public PrevalenceEstimate? At(string sex, string ages) => Province.FirstOrDefault(r => r.Sex == sex && r.AgeGroup == ages);

    public static CascadeStep? Step(IReadOnlyList<CascadeStep> steps, string key) => steps.FirstOrDefault(s => s.Key == key);

    /// <summary>A count as served: "ẩn" when disclosure hid it, "—" when there is none.</summary>
    public static string Count(int? n, bool suppressed) => n is null && suppressed ? "ẩn" : Vi.N(n);

    /// <summary>A proportion as served: "ẩn" when disclosure hid it, "—" when there is none.</summary>
    public static string Rate(double? p, bool suppressed) => p is null && suppressed ? "ẩn" : Vi.Share(p);

    /// <summary>A 95 % interval "a – b" of two proportions, or the hidden/missing mark.</summary>
    public static string Ci(double? lo, double? hi, bool suppressed) =>
        lo is null || hi is null ? (suppressed ? "ẩn" : Vi.None) : $"{Vi.Share(lo)} – {Vi.Share(hi)}";

    public static string SexName(string sex) => sex switch { "male" => "Nam", "female" => "Nữ", _ => "Chung hai giới" };

    /// <summary>An API address with the page's snapshot (and more query parameters), for the download links.</summary>
    public string Api(string path, params (string Key, string? Value)[] query) =>
        path + "?" + string.Join("&", new[] { ("snapshot", (string?)Snapshot.SnapshotId) }.Concat(query)
            .Where(q => q.Item2 is not null).Select(q => $"{q.Item1}={Uri.EscapeDataString(q.Item2!)}"));
}
