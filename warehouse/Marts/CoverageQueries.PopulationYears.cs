using Dapper;

namespace HoSoSucKhoe.Warehouse.Marts;

/// <summary>How many communes of a unit take their denominator from <see cref="Year"/> (the latest year ≤ year(as_of)
/// with population rows, docs/definitions.md): what a report's population heading names.</summary>
public sealed record DenominatorYear(int Year, int Communes);

public sealed partial class CoverageQueries
{
    /// <summary>The denominator years of the communes of a unit (itself, for a commune) in a snapshot, latest first;
    /// empty when none of them has a denominator.</summary>
    /// <exception cref="KpiNotFoundException">Unknown snapshot, or a unit the snapshot does not contain.</exception>
    public IReadOnlyList<DenominatorYear> DenominatorYears(string code, string snapshotId)
    {
        var level = LevelOf(code);
        using var c = db.Open();
        var s = Resolve(c, code, level, snapshotId);
        return c.Query<DenominatorYear>("""
            WITH communes AS (
                SELECT unit_code FROM mart_unit_kpi
                WHERE snapshot_id = $sid AND level = 'commune' AND (unit_code = $code OR parent_code = $code OR province_code = $code)),
            """ + PopulationRows + """

            SELECT py.year::INTEGER AS Year, count(*)::INTEGER AS Communes
            FROM py WHERE py.ward_code IN (SELECT ward_code FROM prow GROUP BY ward_code HAVING sum(population) > 0)
            GROUP BY py.year ORDER BY py.year DESC
            """, new { sid = s.SnapshotId, cs = s.CodeSystem, yr = s.AsOf.Year, code }).ToList();
    }
}
