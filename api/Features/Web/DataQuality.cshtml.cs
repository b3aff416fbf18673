using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Features.Coverage;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.AspNetCore.Mvc;

namespace HoSoSucKhoe.Api.Features.Web;

/// <summary>Data quality of a province (<c>/tinh/{code}/chat-luong</c>): <c>/api/coverage/units/{code}/data-quality</c>
/// and <c>/completeness</c> through the same queries. Per-commune figures are on each commune's page.</summary>
public sealed class DataQualityModel(SnapshotCatalog catalog, UnitScope scope, QueryGate gate, CoverageScope coverage, CoverageQueries queries)
    : WebPageModel(catalog, scope, gate)
{
    public required DataQualityReport Report { get; set; }
    public required CompletenessReport Completeness { get; set; }

    public async Task<IActionResult> OnGetAsync(string code, string? snapshot)
    {
        code = Code(code, 2);
        var chosen = coverage.Snapshot(Caller, code, snapshot, false);
        Report = await Read(() => queries.DataQuality(code, chosen.SnapshotId));
        Completeness = await Read(() => queries.Completeness(code, chosen.SnapshotId));
        SetShell("quality", code, chosen, SnapshotsFor(code));
        ViewData["Title"] = "Chất lượng dữ liệu";
        return Page();
    }
}
