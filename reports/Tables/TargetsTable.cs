using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Reports.Tables;

/// <summary>The other-target tables as flat tables (API CSV and the <c>coverage</c> verb): a unit's targets with gap
/// and projection; permanent residents and visitors' completeness per commune with the unit's row last.</summary>
public static class TargetsTable
{
    /// <summary>One row per target that applies to the unit.</summary>
    public static FlatTable Of(UnitTargetsReport r) => new(
        ["snapshotId", "asOf", "code", "name", "measure", "measureLabel", "plan", "targetPct", "due", "denominator", "numerator",
         "valuePct", "noDenominator", "gap", "meets", "projection", "projectedDate", "onTime", "slopePerYear"],
        r.Targets.Select(t => (IReadOnlyList<object?>)[
            r.Unit.Snapshot.SnapshotId, r.Unit.Snapshot.AsOf, r.Unit.Code, r.Unit.Name, t.Target.Measure, t.MeasureLabel, t.Plan,
            t.Target.Percent, t.Target.DueDate, t.Denominator, t.Numerator, t.ValuePct, t.NoDenominator, t.Gap, t.Meets,
            t.Projection.Status, t.Projection.Date, t.Projection.OnTime, (t.Projection.SlopePerYear is { } s ? Math.Round(s, 4) : (double?)null)]));

    /// <summary>The communes, then the unit's own row (its level tells it apart).</summary>
    public static FlatTable Of(PermanentResidentsReport r) =>
        FlatTable.Of(r.Communes.Append(r.Total), Subject(r.Unit, r.TargetPct));

    /// <summary>The communes, then the unit's own row (its level tells it apart).</summary>
    public static FlatTable Of(VisitorsCompletenessReport r) =>
        FlatTable.Of(r.Communes.Append(r.Total), Subject(r.Unit, r.TargetPct));

    static (string, object?)[] Subject(KpiUnit u, double? targetPct) =>
        [("snapshotId", u.Snapshot.SnapshotId), ("asOf", u.Snapshot.AsOf), ("code", u.Code), ("name", u.Name), ("targetPct", targetPct)];
}
