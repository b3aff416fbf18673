using System.Collections.Concurrent;
using Dapper;

namespace HoSoSucKhoe.Warehouse.Reference;

/// <summary>Where a unit lies in today's map: its level, and the 2025 provinces and (for a commune) the 2025 communes
/// it is, or is bridged to. No provinces = no such unit.</summary>
public sealed record UnitFootprint(string? Level, string[] Provinces, string[] Communes)
{
    internal const string Sql = """
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
        SELECT (SELECT arg_max(level, valid_from) FROM dim_admin_unit WHERE code_system = $system AND code = $code) AS level,
               coalesce((SELECT string_agg(DISTINCT province, ',' ORDER BY province) FROM current), '') AS provinces,
               coalesce((SELECT string_agg(DISTINCT commune, ',' ORDER BY commune) FROM current), '') AS communes
        """;

    public bool Exists => Level is not null;
}

/// <summary>Footprints of units, remembered: reference units never change while the warehouse is open.</summary>
public sealed class UnitMap(WarehouseDb db)
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
        var footprint = new UnitFootprint(row.Level, Split(row.Provinces), row.Level == Levels.Commune ? Split(row.Communes) : []);
        return known.GetOrAdd((codeSystem, code), footprint);
    }

    static string[] Split(string s) => s.Length == 0 ? [] : s.Split(',');
}
