using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Reports.Tables;

/// <summary>The coverage appendix as a flat table: one column set and naming for the API, the command line and (next)
/// the workbook. A row's cells, then gap and meets for each target key (empty when a target does not apply).</summary>
public static class AppendixTable
{
    static readonly string[] RowColumns =
        ["level", "code", "name", "population", "recordsLinked", "examined", "managed", "coveragePct", "over100", "noDenominator", "approximate"];

    /// <summary>The child rows, then the parent's total row (its level tells it apart).</summary>
    public static FlatTable Of(CoverageTable t)
    {
        var keys = t.Targets.Select(x => x.Key).ToList();
        return new FlatTable(["snapshotId", "asOf", .. RowColumns, .. TargetColumns(keys)],
            t.Rows.Append(t.Total).Select(r => (IReadOnlyList<object?>)[t.Snapshot.SnapshotId, t.Snapshot.AsOf, .. Cells(r, keys)]));
    }

    /// <summary>One row per snapshot of a unit's series.</summary>
    public static FlatTable Of(UnitSeries s)
    {
        var keys = s.Projections.Where(p => p.Target.Measure == TargetMeasures.Coverage).Select(p => p.Target.Key).ToList();
        return new FlatTable(["snapshotId", "asOf", "codeSystem", "bridged", .. RowColumns, .. TargetColumns(keys)],
            s.Points.Select(p => (IReadOnlyList<object?>)[p.SnapshotId, p.AsOf, p.CodeSystem, p.Bridged, .. Cells(p.Row, keys)]));
    }

    /// <summary>One row per province (from its own snapshot), then the national total row (level "nation").</summary>
    public static FlatTable Of(NationalCoverageTable t)
    {
        var keys = t.Targets.Select(x => x.Key).ToList();
        return new FlatTable(["snapshotId", "asOf", .. RowColumns, .. TargetColumns(keys)],
            t.Provinces.Select(p => (IReadOnlyList<object?>)[p.Snapshot.SnapshotId, p.Snapshot.AsOf, .. Cells(p.Row, keys)])
                .Append([null, t.AsOf, .. Cells(t.Total, keys)]));
    }

    static IEnumerable<object?> Cells(CoverageRow r, IReadOnlyList<string> keys) =>
        [r.Level, r.Code, r.Name, r.Population, r.RecordsLinked, r.Examined, r.Managed, r.CoveragePct, r.Over100, r.NoDenominator,
         r.Approximate, .. keys.SelectMany(k => r.Targets.FirstOrDefault(g => g.Key == k) is { } g ? new object?[] { g.Gap, g.Meets } : [null, null])];

    static IEnumerable<string> TargetColumns(IEnumerable<string> keys) => keys.SelectMany(k => new[] { "gap_" + k, "meets_" + k });
}
