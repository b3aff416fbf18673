using System.Security.Claims;
using HoSoSucKhoe.Models.Disclosure;

namespace HoSoSucKhoe.Api.Access;

public static class Roles
{
    /// <summary>Sở Y tế leadership: aggregates of its province.</summary>
    public const string Leadership = "leadership";
    /// <summary>Aggregates (its province, or the whole country without a scope); never names.</summary>
    public const string Epidemiologist = "epidemiologist";
    /// <summary>Its own commune only; the one role that may later see line lists with names.</summary>
    public const string CommuneOfficer = "commune_officer";
    /// <summary>Loads and configuration; everything.</summary>
    public const string Admin = "admin";

    public static readonly string[] All = [Leadership, Epidemiologist, CommuneOfficer, Admin];
}

/// <summary>
/// Who is calling: the credential's display name (for audit), role and scope. Bind it as an endpoint parameter
/// (<c>(Caller caller, …) =&gt;</c>) on an endpoint that requires authorization; check units with
/// <see cref="UnitScope.Require"/>. <see cref="ScopeProvince"/>: the 2025 province of the scope (the scope itself, or
/// the province of the officer's commune).
/// </summary>
public sealed record Caller(string Name, string Role, string? Scope, string? ScopeProvince)
{
    internal const string ScopeClaim = "hssk:scope";
    internal const string ProvinceClaim = "hssk:province";

    /// <summary>No unit restriction (admin, or an epidemiologist configured without a scope).</summary>
    public bool IsNational => Scope is null;

    /// <summary>The commune of a commune officer (null for every other role).</summary>
    public string? ScopeCommune => Role == Roles.CommuneOfficer ? Scope : null;

    /// <summary>Names and phone numbers of a commune's line list: only that commune's own officer (docs/definitions.md, "Line lists").</summary>
    public bool MaySeeNamesOf(string communeCode) => Role == Roles.CommuneOfficer && Scope == communeCode;

    /// <summary>Whose health figures the caller sees unsuppressed: its own commune's, for that commune's officer
    /// (<see cref="MaySeeNamesOf"/>); none for everyone else (docs/definitions.md, "Disclosure control").</summary>
    public Audience Audience => new(ScopeCommune);

    /// <summary>What two callers must share to be served the same cached response.</summary>
    internal string CacheKey => $"{Role}|{Scope}";

    public static Caller From(ClaimsPrincipal user) => new(
        user.FindFirstValue(ClaimTypes.Name) ?? "",
        user.FindFirstValue(ClaimTypes.Role) ?? "",
        user.FindFirstValue(ScopeClaim) is { Length: > 0 } s ? s : null,
        user.FindFirstValue(ProvinceClaim) is { Length: > 0 } p ? p : null);

    /// <summary>Minimal-API binding: the authenticated user of the request.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext http) => ValueTask.FromResult<Caller?>(From(http.User));
}
