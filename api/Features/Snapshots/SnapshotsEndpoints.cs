using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Tables;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Api.Features.Snapshots;

/// <summary>A loaded snapshot as the API lists it. The counts are province totals: null for a commune officer.</summary>
public sealed record SnapshotRow(string SnapshotId, string ProvinceCode, DateOnly AsOf, string CodeSystem, long? Persons,
    long? Encounters, long? Labs, long? Medications, DateTime LoadedAt)
{
    static SnapshotRow For(SnapshotLoadFacts f, Caller caller) => caller.ScopeCommune is null
        ? new(f.Snapshot.SnapshotId, f.Snapshot.ProvinceCode, f.Snapshot.AsOf, f.Snapshot.CodeSystem, f.Persons, f.Encounters, f.Labs, f.Medications, f.LoadedAt)
        : new(f.Snapshot.SnapshotId, f.Snapshot.ProvinceCode, f.Snapshot.AsOf, f.Snapshot.CodeSystem, null, null, null, null, f.LoadedAt);

    /// <summary>The snapshots the caller may see (<see cref="SnapshotCatalog"/>), oldest first.</summary>
    public static List<SnapshotRow> Visible(SnapshotCatalog catalog, Caller caller)
    {
        var visible = catalog.VisibleTo(caller.ScopeProvince).Select(s => s.SnapshotId).ToHashSet();
        return [.. catalog.WithLoadFacts().Where(f => visible.Contains(f.Snapshot.SnapshotId)).Select(f => For(f, caller))];
    }
}

public static class SnapshotsEndpoints
{
    public static void MapSnapshots(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/snapshots").WithTags("Snapshots").WithWarehouseCache();
        group.MapGet("/", (SnapshotCatalog catalog, Caller caller) =>
            new Table<SnapshotRow>(SnapshotRow.Visible(catalog, caller), "anh-chup"))
            .WithSummary("Các ảnh chụp đã nạp trong phạm vi của khoá truy cập, cũ nhất trước.");
        group.MapGet("/latest", (SnapshotCatalog catalog, Caller caller) =>
            new TableRow<SnapshotRow>(One(catalog, caller, null), "anh-chup-moi-nhat"))
            .WithSummary("Ảnh chụp mới nhất (theo ngày as_of) trong phạm vi của khoá truy cập.");
        group.MapGet("/{snapshotId}", (SnapshotCatalog catalog, Caller caller, string snapshotId) =>
            new TableRow<SnapshotRow>(One(catalog, caller, snapshotId), "anh-chup-" + snapshotId))
            .WithSummary("Một ảnh chụp.");
    }

    static SnapshotRow One(SnapshotCatalog catalog, Caller caller, string? snapshotId)
    {
        var s = catalog.Resolve(caller.ScopeProvince, snapshotId);
        return SnapshotRow.Visible(catalog, caller).Single(r => r.SnapshotId == s.SnapshotId);
    }
}
