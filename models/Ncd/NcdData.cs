using HoSoSucKhoe.Warehouse;

namespace HoSoSucKhoe.Models.Ncd;

/// <summary>What one snapshot's NCD figures are computed from: its cells and unit names.</summary>
public sealed record NcdData(SnapshotInfo Snapshot, IReadOnlyList<Cell> Cells, string ProvinceName, IReadOnlyDictionary<string, string> CommuneNames)
{
    /// <summary>Reads a snapshot's cells (computing case status first for snapshots that have none).</summary>
    public static NcdData Load(WarehouseDb db, SnapshotInfo s)
    {
        NcdMarts.EnsureComputed(db);
        using var c = db.Open();
        return new NcdData(s, Cell.Read(c, s.SnapshotId), s.ProvinceName(c), s.CommuneNames(c));
    }

    public List<PrevalenceEstimate> Prevalence(Measure m, string sex, AgeGroup group) =>
        Burden.Estimate(Snapshot, Cells, m, sex, group, ProvinceName, CommuneNames);

    public List<CascadeRow> Cascades() => Ncd.Cascades.Rows(Snapshot, Cells, ProvinceName, CommuneNames);

    /// <summary>The record-based figure comparable to each STEPS anchor (province, both sexes, standardised over the
    /// anchor's age range).</summary>
    public List<AnchorComparison> Anchors() =>
        Burden.Anchors.Select(a =>
        {
            var e = Burden.Estimate(Snapshot, Cells, Measure.Find(a.Measure)!, "all", a.Ages, ProvinceName, new Dictionary<string, string>())[0];
            return new AnchorComparison(a.Survey, a.Description, a.Measure, a.Ages.Label, a.Value, e.Crude, e.Standardised, e.StandardisedLo,
                e.StandardisedHi, e.Denominator);
        }).ToList();
}

/// <summary>A STEPS figure and the warehouse's record-based figure for the same measure and ages.</summary>
public sealed record AnchorComparison(string Survey, string Description, string Measure, string Ages, double SurveyValue,
    double? RecordCrude, double? RecordStandardised, double? RecordStandardisedLo, double? RecordStandardisedHi, int? RecordDenominator);
