using System.Data;
using Dapper;
using HoSoSucKhoe.Warehouse.Reference;

namespace HoSoSucKhoe.Warehouse.Snapshots;

/// <summary>A loaded snapshot: what every figure is "as of".</summary>
public sealed record LoadedSnapshot(string SnapshotId, string ProvinceCode, DateOnly AsOf, string CodeSystem);

/// <summary>What a load recorded about a snapshot (province totals: operational counts).</summary>
public sealed record SnapshotLoadFacts(LoadedSnapshot Snapshot, long Persons, long Encounters, long Labs, long Medications,
    DateTime LoadedAt, double LoadSeconds);

/// <summary>No snapshot with that id (or none at all) among those the caller may see.</summary>
public sealed class SnapshotNotFoundException(string? snapshotId)
    : Exception(snapshotId is null ? "no snapshot loaded in scope" : $"snapshot {snapshotId} not found in scope")
{
    public string? SnapshotId { get; } = snapshotId;
}

/// <summary>
/// The one answer to "which snapshots exist and which may this caller see", for the API, the command line and
/// (next) reports and e-mails. A caller is described by the 2025 province of its scope (null: national); a legacy
/// snapshot belongs to the 2025 provinces its old province was merged into (docs/reference-data.md).
/// Oldest first: as_of, then load time, then id.
/// </summary>
public sealed class SnapshotCatalog(WarehouseDb db, UnitMap map)
{
    const string Sql = """
        SELECT snapshot_id, province_code, as_of, code_system, persons, encounters, labs, medications, loaded_at, load_seconds
        FROM fact_snapshot ORDER BY as_of, loaded_at, snapshot_id
        """;

    sealed record Row(string SnapshotId, string ProvinceCode, DateOnly AsOf, string CodeSystem, long Persons, long Encounters,
        long Labs, long Medications, DateTime LoadedAt, double LoadSeconds);

    /// <summary>Every loaded snapshot with its load facts.</summary>
    public IReadOnlyList<SnapshotLoadFacts> WithLoadFacts()
    {
        using var c = db.Open();
        return Read(c);
    }

    /// <summary>Every loaded snapshot.</summary>
    public IReadOnlyList<LoadedSnapshot> All() => [.. WithLoadFacts().Select(f => f.Snapshot)];

    /// <summary>Every loaded snapshot, read on a connection the caller holds (inside a transaction, say).</summary>
    public static IReadOnlyList<LoadedSnapshot> All(IDbConnection c) => [.. Read(c).Select(f => f.Snapshot)];

    /// <summary>The snapshots a caller scoped to <paramref name="scopeProvince"/> (null: national) may see.</summary>
    public IReadOnlyList<LoadedSnapshot> VisibleTo(string? scopeProvince) =>
        [.. All().Where(s => scopeProvince is null || ProvincesOf(s).Contains(scopeProvince))];

    /// <summary>The named snapshot among the visible ones, or the latest visible one (optionally of one code system).
    /// An unknown id and another province's snapshot are refused alike.</summary>
    public LoadedSnapshot Resolve(string? scopeProvince, string? snapshotId, string? codeSystem = null)
    {
        var visible = VisibleTo(scopeProvince);
        var found = snapshotId is not null
            ? visible.FirstOrDefault(s => s.SnapshotId == snapshotId)
            : visible.LastOrDefault(s => codeSystem is null || s.CodeSystem == codeSystem);
        return found ?? throw new SnapshotNotFoundException(snapshotId);
    }

    /// <summary>The national tables' choice (issue 15 §4): each province's latest 2025-code snapshot on or before
    /// <paramref name="asOf"/> (default: its latest), by province code.</summary>
    public IReadOnlyList<LoadedSnapshot> LatestPerProvince(DateOnly? asOf)
    {
        using var c = db.Open();
        return LatestPerProvince(c, asOf);
    }

    /// <inheritdoc cref="LatestPerProvince(DateOnly?)"/>
    public static IReadOnlyList<LoadedSnapshot> LatestPerProvince(IDbConnection c, DateOnly? asOf) =>
        [.. Read(c).Select(f => f.Snapshot).Where(s => s.CodeSystem == ReferenceData.System2025 && (asOf is null || s.AsOf <= asOf))
            .GroupBy(s => s.ProvinceCode).Select(g => g.Last()).OrderBy(s => s.ProvinceCode, StringComparer.Ordinal)];

    /// <summary>The 2025 provinces a snapshot's province is (or was merged into).</summary>
    public IReadOnlyList<string> ProvincesOf(LoadedSnapshot s) => map.Footprint(s.CodeSystem, s.ProvinceCode).Provinces;

    static List<SnapshotLoadFacts> Read(IDbConnection c) =>
        [.. c.Query<Row>(Sql).Select(r => new SnapshotLoadFacts(
            new LoadedSnapshot(r.SnapshotId, r.ProvinceCode, r.AsOf, r.CodeSystem),
            r.Persons, r.Encounters, r.Labs, r.Medications, r.LoadedAt, r.LoadSeconds))];
}
