using Dapper;
using DuckDB.NET.Data;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Warehouse.Marts;

/// <summary>Mart-aware snapshot lookups: the snapshots that have figures for a unit.</summary>
static class MartSnapshot
{
    internal const string Select = """
        SELECT snapshot_id AS SnapshotId, province_code AS ProvinceCode, as_of AS AsOf, code_system AS CodeSystem
        FROM fact_snapshot s
        """;

    /// <summary>The latest snapshot (as_of, then load time) that has a mart row for the unit.</summary>
    internal const string LatestWithUnit = Select + """

        WHERE EXISTS (SELECT 1 FROM mart_unit_kpi k WHERE k.snapshot_id = s.snapshot_id AND k.level = $level AND k.unit_code = $code
                        -- a 2025 unit is reported from its own province's snapshots, never from stray out-of-province records
                        AND (s.code_system = 'legacy' OR k.province_code = s.province_code))
          AND s.code_system IN ($cs1, $cs2)
        ORDER BY s.as_of DESC, s.loaded_at DESC
        LIMIT 1
        """;

    internal const string ById = Select + "\nWHERE snapshot_id = $sid";
}

/// <summary>
/// Read side of the KPI marts: the appendix table of a unit's children, one unit's time series with projections,
/// and its priority groups, completeness and data quality. Denominators are read from <c>mart_unit_denominator</c> (built
/// from <c>fact_population</c> with the marts and by each population load) (docs/definitions.md). Unit codes: 2 digits = province, 3 = legacy district, 5 = commune.
/// Unknown snapshots or units throw <see cref="KpiNotFoundException"/>; malformed parameters throw
/// <see cref="ArgumentException"/> naming the parameter. Thread-safe: each call opens its own connection.
/// </summary>
public sealed partial class CoverageQueries(WarehouseDb db, CoverageTargets? targets = null)
{

    readonly CoverageTargets targets = targets ?? new CoverageTargets();
    readonly WarehouseDb db = Ensured(db);

    static WarehouseDb Ensured(WarehouseDb db)
    {
        return db;
    }

    /// <summary>The level a unit code denotes by its length.</summary>
    internal static string LevelOf(string code, string parameter = "unit") =>
        code.All(char.IsAsciiDigit) ? code.Length switch { 2 => Levels.Province, 3 => Levels.District, 5 => Levels.Commune, _ => Bad(code, parameter) } : Bad(code, parameter);

    static string Bad(string code, string parameter) =>
        throw new ArgumentException($"Tham số {parameter}: mã đơn vị '{code}' phải gồm 2 chữ số (tỉnh), 3 (huyện cũ) hoặc 5 (xã).");

    /// <summary>Resolves the snapshot for a unit: the given one (which must contain the unit), or the latest that
    /// contains it within the allowed code systems.</summary>
    static LoadedSnapshot Resolve(DuckDBConnection c, string code, string level, string? snapshotId, string? codeSystem = null)
    {
        if (snapshotId is not null)
        {
            var s = c.QuerySingleOrDefault<LoadedSnapshot>(MartSnapshot.ById, new { sid = snapshotId })
                ?? throw KpiNotFoundException.Snapshot(snapshotId);
            var has = c.ExecuteScalar<long>(
                "SELECT count(*) FROM mart_unit_kpi WHERE snapshot_id = $sid AND level = $level AND unit_code = $code",
                new { sid = snapshotId, level, code });
            if (has == 0 || (codeSystem is not null && s.CodeSystem != codeSystem)) throw KpiNotFoundException.Unit(code, snapshotId);
            return s;
        }
        var cs1 = codeSystem ?? ReferenceData.System2025;
        var cs2 = codeSystem ?? ReferenceData.SystemLegacy;
        return c.QuerySingleOrDefault<LoadedSnapshot>(MartSnapshot.LatestWithUnit, new { level, code, cs1, cs2 })
            ?? throw KpiNotFoundException.Unit(code, null);
    }

    static object Args(LoadedSnapshot s) => new { sid = s.SnapshotId, cs = s.CodeSystem, yr = s.AsOf.Year };

    /// <summary>Chosen denominator year per commune of the snapshot (latest year ≤ year(as_of) of the snapshot's
    /// code system) and the population rows of that year. Needs $sid, $cs, $yr and a <c>communes(unit_code)</c> CTE.</summary>
    internal const string PopulationRows = """
        py AS (
            SELECT f.ward_code, max(f.year) AS year
            FROM fact_population f JOIN communes c ON c.unit_code = f.ward_code
            WHERE f.code_system = $cs AND f.year <= $yr
            GROUP BY f.ward_code),
        prow AS (
            SELECT f.ward_code, f.age_band, f.sex, f.population, f.permanent_population
            FROM fact_population f JOIN py USING (ward_code, year)
            WHERE f.code_system = $cs)
        """;
}
