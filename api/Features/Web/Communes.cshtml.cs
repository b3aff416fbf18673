using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Features.Coverage;
using HoSoSucKhoe.Api.Tables;
using HoSoSucKhoe.Reports.Tables;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace HoSoSucKhoe.Api.Features.Web;

/// <summary>Every commune of a province (<c>/tinh/{code}/xa</c>): <see cref="CoverageQueries.Children"/> with the API's
/// parameters (<see cref="ChildrenParameters"/>: sort, desc, belowTarget, over100), a name search with or without
/// diacritics, and <c>?format=csv</c> for exactly the rows shown, in the appendix columns.</summary>
public sealed class CommunesModel(SnapshotCatalog catalog, UnitScope scope, QueryGate gate, CoverageScope coverage, CoverageQueries queries,
    IOptions<CoverageTargets> targets) : WebPageModel(catalog, scope, gate)
{
    [BindProperty(SupportsGet = true)] public string? Sort { get; set; }
    [BindProperty(SupportsGet = true)] public string? Desc { get; set; }
    [BindProperty(SupportsGet = true)] public string? BelowTarget { get; set; }
    [BindProperty(SupportsGet = true)] public string? Over100 { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public string? Snapshot { get; set; }

    public required CoverageTable Table { get; set; }

    public IReadOnlyList<CoverageTarget> TargetChoices => Table.Targets;

    public async Task<IActionResult> OnGetAsync(string code, string? format)
    {
        code = Code(code, 2);
        var q = new ChildrenParameters
        {
            Level = "communes", Parent = code, Snapshot = Snapshot, Sort = Empty(Sort), Desc = Empty(Desc),
            BelowTarget = Empty(BelowTarget), Over100 = Empty(Over100),
        }.Validate(targets.Value);
        var chosen = coverage.Snapshot(Caller, code, Snapshot, q.LegacyOnly);
        var table = await Read(() => queries.Children(q.Request with { SnapshotId = chosen.SnapshotId }));
        if (q.BelowTarget is { } key) // as the API: units that do not meet it yet
            table = table with { Rows = [.. table.Rows.Where(r => r.Targets.Any(t => t.Key == key && t.Meets == false))] };
        if (Text.Fold(Q) is { Length: > 0 } folded)
            table = table with { Rows = [.. table.Rows.Where(r => Text.Fold(r.Name).Contains(folded, StringComparison.Ordinal) || r.Code.StartsWith(folded, StringComparison.Ordinal))] };
        Table = table;
        if (format == "csv")
        {
            await Csv.WriteAsync(HttpContext, AppendixTable.Of(table), $"bao-phu-{code}-{table.Snapshot.SnapshotId}");
            return new EmptyResult();
        }
        SetShell("communes", code, chosen, SnapshotsFor(code));
        ViewData["Title"] = "Danh sách xã";
        return Page();
    }

    static string? Empty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    /// <summary>This page's query with some values changed (null removes one).</summary>
    public string Link(params (string Key, string? Value)[] changes)
    {
        var query = new Dictionary<string, string?>
        {
            ["snapshot"] = Table.Snapshot.SnapshotId, ["sort"] = Empty(Sort), ["desc"] = Empty(Desc), ["belowTarget"] = Empty(BelowTarget),
            ["over100"] = Empty(Over100), ["q"] = Empty(Q),
        };
        foreach (var (k, v) in changes) query[k] = v;
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString($"/tinh/{Table.Parent}/xa",
            query.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Key, p.Value)));
    }

    /// <summary>A column header's link: sort by it, or reverse when it is the sort already.</summary>
    public string SortLink(string key) =>
        Link(("sort", key), ("desc", Sort == key && Desc != "true" ? "true" : null));

    public string SortMark(string key) => Sort != key ? "" : Desc == "true" ? " ▼" : " ▲";
}
