using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HoSoSucKhoe.Api.Features.Web;

/// <summary>What the layout shows around a page: who is signed in, the navigation's province, the snapshot of the
/// figures and the snapshots the picker offers.</summary>
public sealed record Shell(Caller Caller, string Active, string? Province, LoadedSnapshot? Snapshot, IReadOnlyList<LoadedSnapshot> Choices,
    IReadOnlyDictionary<string, string?> KeepQuery);

/// <summary>A dashboard page: the caller (same claims for a cookie or a key), the snapshot picker and the layout's
/// <see cref="Shell"/>. Queries run through the <see cref="QueryGate"/> like the API's.</summary>
public abstract class WebPageModel(SnapshotCatalog catalog, UnitScope scope, QueryGate gate) : PageModel
{
    protected SnapshotCatalog Catalog => catalog;
    protected UnitScope Scope => scope;

    public Caller Caller => Caller.From(User);

    /// <summary>The snapshots in which the caller may see the unit (the picker's choices), oldest first.</summary>
    protected IReadOnlyList<LoadedSnapshot> SnapshotsFor(string code) =>
        [.. catalog.VisibleTo(Caller.ScopeProvince).Where(s => scope.Footprint(s.CodeSystem, code).Exists && scope.Allows(Caller, s.CodeSystem, code))];

    protected void SetShell(string active, string? province, LoadedSnapshot? snapshot, IReadOnlyList<LoadedSnapshot> choices) =>
        ViewData[nameof(Shell)] = new Shell(Caller, active, province, snapshot, choices,
            Request.Query.Where(q => q.Key != "snapshot").ToDictionary(q => q.Key, q => (string?)q.Value.ToString()));

    protected Task<T> Read<T>(Func<T> query) => gate.RunAsync(query, HttpContext.RequestAborted);

    /// <summary>A unit code from the path, checked as the API checks it (400 naming the parameter).</summary>
    protected static string Code(string code, params int[] lengths) =>
        code.Length > 0 && lengths.Contains(code.Length) && code.All(char.IsAsciiDigit) ? code
            : throw Problems.BadParameter("code", code, "cần mã tỉnh (2 chữ số) hoặc xã (5 chữ số)");

    /// <summary>The province of a unit code in the snapshot's code system (for the navigation).</summary>
    protected string? ProvinceOf(LoadedSnapshot? s, string code) =>
        code.Length == 2 ? code : s is null ? Caller.ScopeProvince : scope.Footprint(s.CodeSystem, code).Provinces.FirstOrDefault() ?? Caller.ScopeProvince;

    protected static bool IsLegacy(LoadedSnapshot s) => s.CodeSystem == ReferenceData.SystemLegacy;
}
