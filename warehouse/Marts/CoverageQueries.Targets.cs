using Dapper;
using HoSoSucKhoe.Warehouse.Reference;

namespace HoSoSucKhoe.Warehouse.Marts;

/// <summary>Completeness among visitors of one unit (docs/definitions.md, "Completeness among visitors"): of the
/// <see cref="Visitors"/> (records linked with a facility visit in the 12 months up to D), those complete in every
/// mandatory data group. <see cref="NoDenominator"/> when the unit had no visitor; <see cref="Gap"/> and
/// <see cref="Meets"/> against the report's target (null without one).</summary>
public sealed record VisitorsCompletenessRow(string Level, string Code, string Name, long RecordsLinked, long Visitors,
    long VisitorsComplete, decimal? CompletePct, bool NoDenominator, long? Gap, bool? Meets);

/// <summary>A unit's own row and, for a province or legacy district, one row per commune of it.</summary>
public sealed record VisitorsCompletenessReport(KpiUnit Unit, double? TargetPct, CoverageTarget? Target, VisitorsCompletenessRow Total,
    IReadOnlyList<VisitorsCompletenessRow> Communes);

/// <summary>One target that applies to a unit in a snapshot: where the unit stands (<see cref="Numerator"/> over
/// <see cref="Denominator"/>, as the measure's own report gives it), the gap in people, and when the series
/// (points up to the snapshot) projects it to be reached.</summary>
public sealed record UnitTargetRow(CoverageTarget Target, string Plan, string MeasureLabel, long? Denominator, long Numerator,
    decimal? ValuePct, bool NoDenominator, long? Gap, bool? Meets, TargetProjection Projection);

/// <summary>Every target that applies to a unit, by measure then due date.</summary>
public sealed record UnitTargetsReport(KpiUnit Unit, IReadOnlyList<UnitTargetRow> Targets);

sealed record VisitorsMartRow(string Level, string Code, string Name, long RecordsLinked, long Visitors, long VisitorsComplete)
{
    public const string Sql = """
        SELECT k.level AS Level, k.unit_code AS Code, coalesce(u.full_name, k.unit_code) AS Name, k.records_linked AS RecordsLinked,
               coalesce(k.visitors, 0) AS Visitors, coalesce(k.visitors_complete, 0) AS VisitorsComplete
        FROM mart_unit_kpi k
        """ + CoverageQueries.UnitAndItsCommunes;
}

/// <summary>A unit's own mart and denominator row: what its targets are measured on.</summary>
sealed record OwnRow(long? Population, long RecordsLinked, long Examined, long Managed, long? PermanentPopulation, long PermanentRecords,
    long PermanentUpdated, long Visitors, long VisitorsComplete)
{
    public const string Sql = """
        SELECT d.population AS Population, k.records_linked AS RecordsLinked, k.examined AS Examined, k.managed AS Managed,
               d.permanent_population AS PermanentPopulation, k.permanent_records AS PermanentRecords, k.permanent_updated AS PermanentUpdated,
               coalesce(k.visitors, 0) AS Visitors, coalesce(k.visitors_complete, 0) AS VisitorsComplete
        FROM mart_unit_kpi k
        LEFT JOIN mart_unit_denominator d ON d.snapshot_id = k.snapshot_id AND d.level = k.level AND d.unit_code = k.unit_code
        WHERE k.snapshot_id = $sid AND k.level = $level AND k.unit_code = $code
        """;
}

public sealed partial class CoverageQueries
{
    /// <summary>Completeness among visitors of a unit and of its communes in a snapshot (default: the latest
    /// containing the unit).</summary>
    /// <exception cref="KpiNotFoundException">Unknown snapshot or unit.</exception>
    public VisitorsCompletenessReport VisitorsCompleteness(string code, string? snapshotId = null)
    {
        using var c = db.Open();
        var (unit, _) = Unit(c, code, snapshotId);
        var s = unit.Snapshot;
        var rows = c.Query<VisitorsMartRow>(VisitorsMartRow.Sql, new { sid = s.SnapshotId, level = unit.Level, code }).ToList();
        var own = rows.Single(r => r.Level == unit.Level && r.Code == code);
        var target = targets.For(unit.Level, TargetMeasures.VisitorsComplete, s.ProvinceCode).FirstOrDefault();
        var communeTarget = targets.For(Levels.Commune, TargetMeasures.VisitorsComplete, s.ProvinceCode).FirstOrDefault();
        List<VisitorsCompletenessRow> communes = unit.Level == Levels.Commune ? []
            : rows.Where(r => r != own).Select(r => VisitorsRow(r, communeTarget)).ToList();
        return new VisitorsCompletenessReport(unit, target?.Percent, target, VisitorsRow(own, target) with { Name = unit.Name }, communes);
    }

    static VisitorsCompletenessRow VisitorsRow(VisitorsMartRow r, CoverageTarget? target)
    {
        decimal? den = r.Visitors > 0 ? r.Visitors : null;
        var (gap, meets) = target is null ? (null, null) : TargetGap.Of(target.Percent, den, r.VisitorsComplete);
        return new VisitorsCompletenessRow(r.Level, r.Code, r.Name, r.RecordsLinked, r.Visitors, r.VisitorsComplete,
            CoverageMath.Percent(r.VisitorsComplete, den), den is null, gap, meets);
    }

    /// <summary>Every target that applies to a unit in a snapshot (default: the latest containing it), with the
    /// unit's value from the measure's own report (the appendix row, the permanent-residents row, the visitors'
    /// completeness row), the gap in people and the projection fitted to the unit's series up to that snapshot.</summary>
    /// <param name="code">Unit code.</param>
    /// <param name="snapshotId">Snapshot; default the latest containing the unit.</param>
    /// <param name="series">The unit's series up to that snapshot when the caller has already read it
    /// (<see cref="Series"/> with the snapshot's code system and as-of date), so it is not read twice; ignored unless
    /// it is that unit's in that code system with no point after the snapshot.</param>
    /// <exception cref="KpiNotFoundException">Unknown snapshot or unit.</exception>
    public UnitTargetsReport Targets(string code, string? snapshotId = null, UnitSeries? series = null) =>
        TargetsAndSeries(code, snapshotId, series).Targets;

    /// <summary>As <see cref="Targets"/>, with the series its projections were fitted to (the unit's points up to the
    /// snapshot, <see cref="Series"/> in the snapshot's code system): for a caller that shows both, one series query, not two.</summary>
    /// <exception cref="KpiNotFoundException">Unknown snapshot or unit.</exception>
    public (UnitTargetsReport Targets, UnitSeries Series) TargetsAndSeries(string code, string? snapshotId = null, UnitSeries? series = null)
    {
        KpiUnit unit;
        OwnRow own;
        using (var c = db.Open())
        {
            (unit, _) = Unit(c, code, snapshotId);
            own = c.QuerySingle<OwnRow>(OwnRow.Sql, new { sid = unit.Snapshot.SnapshotId, level = unit.Level, code });
        }
        var s = unit.Snapshot;
        var applicable = targets.All(unit.Level, s.ProvinceCode);
        if (series is null || series.Code != code || series.CodeSystem != s.CodeSystem || series.Points.Any(p => p.AsOf > s.AsOf))
            series = Series(code, s.CodeSystem, s.AsOf);
        // The unit's row of each measure's own report (the appendix, permanent residents, visitors' completeness),
        // made by the same row functions from the same mart and denominator row.
        var coverage = CoverageMath.Row(unit.Level, code, unit.Name, own.Population, own.RecordsLinked, own.Examined, own.Managed, false,
            targets.For(unit.Level));
        var permanent = PermanentRow(new PermanentMartRow(unit.Level, code, unit.Name, own.PermanentPopulation, own.PermanentRecords, own.PermanentUpdated),
            targets.For(unit.Level, TargetMeasures.PermanentResidents, s.ProvinceCode).FirstOrDefault());
        var visitors = VisitorsRow(new VisitorsMartRow(unit.Level, code, unit.Name, own.RecordsLinked, own.Visitors, own.VisitorsComplete),
            targets.For(unit.Level, TargetMeasures.VisitorsComplete, s.ProvinceCode).FirstOrDefault());
        var rows = applicable.Select(t =>
        {
            var (den, num, pct) = t.Measure switch
            {
                TargetMeasures.PermanentResidents => (permanent.PermanentPopulation, permanent.PermanentUpdated, permanent.PermanentCoveragePct),
                TargetMeasures.VisitorsComplete => (visitors.NoDenominator ? null : (long?)visitors.Visitors, visitors.VisitorsComplete, visitors.CompletePct),
                _ => (coverage.Population, coverage.Managed, coverage.CoveragePct),
            };
            var (gap, meets) = TargetGap.Of(t.Percent, den, num);
            var projection = series.Projections.FirstOrDefault(p => p.Target == t) ?? Projection.For(t, []);
            return new UnitTargetRow(t, t.Plan ?? "Cấu hình của đơn vị", TargetMeasures.Label(t.Measure), den, num, pct, den is null,
                gap, meets, projection);
        }).ToList();
        return (new UnitTargetsReport(unit, rows), series);
    }
}
