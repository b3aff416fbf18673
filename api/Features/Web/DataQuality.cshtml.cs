using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Features.Coverage;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.AspNetCore.Mvc;

namespace HoSoSucKhoe.Api.Features.Web;

/// <summary>Data quality of a province (<c>/tinh/{code}/chat-luong</c>): <c>/api/coverage/units/{code}/data-quality</c>
/// and <c>/completeness</c> through the same queries, and every commune's report (the same figures as
/// <c>/api/coverage/units/{commune}/data-quality</c>, read in one set-based query), ordered worst first.</summary>
public sealed class DataQualityModel(SnapshotCatalog catalog, UnitScope scope, QueryGate gate, CoverageScope coverage, CoverageQueries queries)
    : WebPageModel(catalog, scope, gate)
{
    public required DataQualityReport Report { get; set; }
    public required CompletenessReport Completeness { get; set; }

    /// <summary>The communes' reports, worst first: by <see cref="Sort"/>'s rate (or count), else by each commune's
    /// highest record-check rate.</summary>
    public required IReadOnlyList<DataQualityReport> Communes { get; set; }

    /// <summary>The check the commune table is ordered by (null: the worst rate of each commune).</summary>
    public string? Sort { get; set; }

    public async Task<IActionResult> OnGetAsync(string code, string? snapshot, string? sort)
    {
        code = Code(code, 2);
        var chosen = coverage.Snapshot(Caller, code, snapshot, false);
        Report = await Read(() => queries.DataQuality(code, chosen.SnapshotId));
        Completeness = await Read(() => queries.Completeness(code, chosen.SnapshotId));
        var communes = await Read(() => queries.CommunesDataQuality(code, chosen.SnapshotId));
        Sort = Report.Checks.Any(c => c.Check == sort) ? sort : null;
        Communes = [.. communes.Where(r => Scope.Allows(Caller, chosen.CodeSystem, r.Unit.Code))
            .OrderByDescending(r => Sort is null ? Worst(r)?.SharePct : Check(r, Sort)?.SharePct ?? Check(r, Sort)?.Count)
            .ThenByDescending(r => Sort is null ? Worst(r)?.Count : Check(r, Sort)?.Count).ThenBy(r => r.Unit.Code, StringComparer.Ordinal)];
        SetShell("quality", code, chosen, SnapshotsFor(code));
        ViewData["Title"] = "Chất lượng dữ liệu";
        return Page();
    }

    public static DataQualityRow? Check(DataQualityReport r, string check) => r.Checks.FirstOrDefault(c => c.Check == check);

    /// <summary>The record check with the highest rate (ties: the larger count), or null when the commune has no records.</summary>
    public static DataQualityRow? Worst(DataQualityReport r) =>
        r.Checks.Where(c => c.SharePct is not null).OrderByDescending(c => c.SharePct).ThenByDescending(c => c.Count).FirstOrDefault();
}
