using Dapper;
using HoSoSucKhoe.Warehouse.Reference;

namespace HoSoSucKhoe.Warehouse.Marts;

/// <summary>Coverage of permanent residents of one unit (docs/definitions.md, "Coverage of permanent residents"):
/// <see cref="PermanentUpdated"/> (records linked of permanent residents, created by D and updated in the 365 days up
/// to D) over <see cref="PermanentPopulation"/> (the population CSV's <c>permanent_population</c>), uncapped.
/// Without a denominator the rate and the gap are null and <see cref="NoDenominator"/> is set. <see cref="Gap"/> is
/// the people still to create or update to reach the report's target (the first permanent-residents target that
/// applies, <see cref="CoverageTargets"/>; null gap and meets without one).</summary>
public sealed record PermanentResidentsRow(string Level, string Code, string Name, long? PermanentPopulation,
    long PermanentRecords, long PermanentUpdated, decimal? PermanentCoveragePct, bool Over100, bool NoDenominator, long? Gap,
    bool? Meets);

/// <summary>A unit's own row and, for a province or legacy district, one row per commune of it.</summary>
public sealed record PermanentResidentsReport(KpiUnit Unit, double? TargetPct, CoverageTarget? Target, PermanentResidentsRow Total,
    IReadOnlyList<PermanentResidentsRow> Communes);

sealed record PermanentMartRow(string Level, string Code, string Name, long? PermanentPopulation, long PermanentRecords, long PermanentUpdated)
{
    /// <summary>The unit's row and its communes' rows with permanent-resident denominators: communes their own (the
    /// sum of their rows in the chosen year; 0 or none = no denominator), districts and provinces the sum over their
    /// communes that have one.</summary>
    public const string Sql = """
        SELECT k.level AS Level, k.unit_code AS Code, coalesce(u.full_name, k.unit_code) AS Name,
               d.permanent_population AS PermanentPopulation, k.permanent_records AS PermanentRecords, k.permanent_updated AS PermanentUpdated
        FROM mart_unit_kpi k
        LEFT JOIN mart_unit_denominator d ON d.snapshot_id = k.snapshot_id AND d.level = k.level AND d.unit_code = k.unit_code
        """ + CoverageQueries.UnitAndItsCommunes;
}

public sealed partial class CoverageQueries
{
    /// <summary>The end of a <c>mart_unit_kpi k</c> query: the unit's name in force at the snapshot (<c>u.full_name</c>),
    /// and the rows of the unit ($level, $code) and, for a province or legacy district, of its communes, by code.</summary>
    internal const string UnitAndItsCommunes = "\n" + """
        LEFT JOIN dim_admin_unit u ON u.code_system = k.code_system AND u.level = k.level AND u.code = k.unit_code
             AND u.valid_from <= k.as_of AND (u.valid_to IS NULL OR k.as_of < u.valid_to)
        WHERE k.snapshot_id = $sid
          AND (k.level = $level AND k.unit_code = $code
               OR $level <> 'commune' AND k.level = 'commune' AND (k.parent_code = $code OR k.province_code = $code))
        ORDER BY k.unit_code
        """;

    /// <summary>Coverage of permanent residents of a unit and of its communes in a snapshot (default: the latest
    /// containing the unit).</summary>
    /// <exception cref="KpiNotFoundException">Unknown snapshot or unit.</exception>
    public PermanentResidentsReport PermanentResidents(string code, string? snapshotId = null)
    {
        using var c = db.Open();
        var (unit, _) = Unit(c, code, snapshotId);
        var s = unit.Snapshot;
        var rows = c.Query<PermanentMartRow>(PermanentMartRow.Sql,
            new { sid = s.SnapshotId, level = unit.Level, code }).ToList();
        var own = rows.Single(r => r.Level == unit.Level && r.Code == code);
        var target = targets.For(unit.Level, TargetMeasures.PermanentResidents, s.ProvinceCode).FirstOrDefault();
        List<PermanentResidentsRow> communes = unit.Level == Levels.Commune ? []
            : rows.Where(r => r != own).Select(r => PermanentRow(r, targets.For(Levels.Commune, TargetMeasures.PermanentResidents, s.ProvinceCode).FirstOrDefault())).ToList();
        return new PermanentResidentsReport(unit, target?.Percent, target, PermanentRow(own, target) with { Name = unit.Name }, communes);
    }

    static PermanentResidentsRow PermanentRow(PermanentMartRow r, CoverageTarget? target)
    {
        var pop = r.PermanentPopulation is > 0 ? r.PermanentPopulation : null;
        var (gap, meets) = target is null ? (null, null) : TargetGap.Of(target.Percent, pop, r.PermanentUpdated);
        return new PermanentResidentsRow(r.Level, r.Code, r.Name, pop, r.PermanentRecords, r.PermanentUpdated,
            CoverageMath.Percent(r.PermanentUpdated, pop), pop is { } d && r.PermanentUpdated > d, pop is null, gap, meets);
    }
}
