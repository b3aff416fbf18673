namespace HoSoSucKhoe.Synthetic;

/// <summary>What truth.json says about one snapshot: merged ward counters plus the facts needed to label them.</summary>
internal sealed class SnapshotTruth
{
    public required string SnapshotId { get; init; }
    public required DateOnly AsOf { get; init; }
    public required bool Legacy { get; init; }
    public required string ProvinceCode { get; init; }
    public required long[] Rows { get; init; }
    /// <summary>Per ward index of the code system (known communes of the province).</summary>
    public required WardTally[] Wards { get; init; }
    public required bool[] WardKnown { get; init; }
    public required long UnknownWardRecords { get; init; }
}
