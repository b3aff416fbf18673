using System.Collections.Concurrent;
using Dapper;
using HoSoSucKhoe.Api.ApiDocument;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Api.Tables;
using HoSoSucKhoe.Warehouse;

namespace HoSoSucKhoe.Api.Access;

/// <summary>Where a unit lies in today's map: its level, and the 2025 provinces and (for a commune) the 2025 communes
/// it is, or is bridged to. Empty provinces = no such unit.</summary>
public sealed record UnitFootprint(string? Level, string[] Provinces, string[] Communes)
{
    public const string Sql = """
        WITH current AS (
            SELECT code AS commune, province_code AS province FROM dim_admin_unit
            WHERE $system = '2025' AND code_system = '2025' AND level = 'commune' AND (code = $code OR province_code = $code)
            UNION
            SELECT n.code, n.province_code
            FROM dim_admin_unit o
            JOIN dim_unit_bridge b ON b.old_code = o.code
            JOIN dim_admin_unit n ON n.code_system = '2025' AND n.level = 'commune' AND n.code = b.new_code
            WHERE $system = 'legacy' AND o.code_system = 'legacy' AND o.level = 'commune'
              AND (o.code = $code OR o.parent_code = $code OR o.province_code = $code)
        )
        SELECT (SELECT arg_max(level, valid_from) FROM dim_admin_unit WHERE code_system = $system AND code = $code) AS Level,
               coalesce((SELECT string_agg(DISTINCT province, ',' ORDER BY province) FROM current), '') AS Provinces,
               coalesce((SELECT string_agg(DISTINCT commune, ',' ORDER BY commune) FROM current), '') AS Communes
        """;

    public bool Exists => Level is not null;
}

/// <summary>
/// Checks a unit against the caller's scope. Reference units never change while the server runs, so footprints
/// are remembered. The answer for a unit outside the scope is the same 403 whether the unit exists or not.
/// </summary>
public sealed class UnitScope(WarehouseDb db)
{
    readonly ConcurrentDictionary<(string System, string Code), UnitFootprint> known = new();
    static readonly UnitFootprint Nothing = new(null, [], []);

    public UnitFootprint Footprint(string codeSystem, string code)
    {
        if (known.TryGetValue((codeSystem, code), out var found)) return found;
        if (code.Length is not (2 or 3 or 5) || !code.All(char.IsAsciiDigit)) return Nothing;
        using var c = db.Open();
        var row = c.QuerySingle<(string? Level, string Provinces, string Communes)>(UnitFootprint.Sql, new { system = codeSystem, code });
        if (row.Level is null) return Nothing;
        var footprint = new UnitFootprint(row.Level, Split(row.Provinces), row.Level == "commune" ? Split(row.Communes) : []);
        return known.GetOrAdd((codeSystem, code), footprint);
    }

    /// <summary>Leadership and a provincial epidemiologist: units wholly inside their province (legacy units through the
    /// bridge). A commune officer: its commune, and the old communes bridged to it. National callers: everything.</summary>
    public bool Allows(Caller caller, string codeSystem, string code)
    {
        if (caller.IsNational) return true;
        var f = Footprint(codeSystem, code);
        return caller.ScopeCommune is { } commune
            ? f.Level == "commune" && f.Communes.Contains(commune)
            : f.Provinces.Length > 0 && f.Provinces.All(p => p == caller.ScopeProvince);
    }

    /// <summary>403 outside the scope (exists or not); 404 for a national caller asking for a unit that does not exist.</summary>
    public UnitFootprint Require(Caller caller, string codeSystem, string code)
    {
        if (!Allows(caller, codeSystem, code)) throw Problems.Forbidden();
        var f = Footprint(codeSystem, code);
        return f.Exists ? f : throw Problems.UnitNotFound(codeSystem, code);
    }

    static string[] Split(string s) => s.Length == 0 ? [] : s.Split(',');
}
