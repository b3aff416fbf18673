using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.AspNetCore.Mvc;

namespace HoSoSucKhoe.Api.Features.Web;

/// <summary>Hypertension and diabetes of a province (<c>/tinh/{code}/ncd</c>): the rows of <c>/api/ncd/cascade</c>
/// (province and communes), with the same scope rule and disclosure. Prevalence, clusters and the model come later.</summary>
public sealed class NcdModel(SnapshotCatalog catalog, UnitScope scope, QueryGate gate, NcdDataStore ncd) : WebPageModel(catalog, scope, gate)
{
    public required IReadOnlyList<CascadeView> Rows { get; set; }
    public required LoadedSnapshot Snapshot { get; set; }

    public async Task<IActionResult> OnGetAsync(string code, string? snapshot)
    {
        code = Code(code, 2);
        var caller = Caller;
        if (caller.ScopeCommune is not null || !Scope.Allows(caller, ReferenceData.System2025, code)) throw Problems.Forbidden();
        Snapshot = Catalog.Resolve(caller.ScopeProvince, snapshot);
        if (!Scope.Allows(caller, Snapshot.CodeSystem, Snapshot.ProvinceCode) || Snapshot.ProvinceCode != code) throw Problems.Forbidden();
        var data = await Read(() => ncd.Get(Snapshot));
        Rows = [.. data.Cascades().Where(r => Scope.Allows(caller, Snapshot.CodeSystem, r.UnitCode)).Select(r => data.Suppression.Disclose(r, caller.Audience))];
        SetShell("ncd", code, Snapshot, [.. Catalog.VisibleTo(caller.ScopeProvince).Where(s => s.ProvinceCode == code)]);
        ViewData["Title"] = "Tăng huyết áp & đái tháo đường";
        return Page();
    }

    public static CascadeStep? Step(IReadOnlyList<CascadeStep> steps, string key) => steps.FirstOrDefault(s => s.Key == key);
}
