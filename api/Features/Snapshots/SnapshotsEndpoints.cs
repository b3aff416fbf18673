using Dapper;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.ApiDocument;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Api.Tables;
using HoSoSucKhoe.Warehouse;

namespace HoSoSucKhoe.Api.Features.Snapshots;

/// <summary>A loaded snapshot. The counts are province totals: null for a commune officer.</summary>
public sealed record SnapshotRow(string SnapshotId, string ProvinceCode, DateOnly AsOf, string CodeSystem, long? Persons,
    long? Encounters, long? Labs, long? Medications, DateTime LoadedAt)
{
    public const string Sql = """
        SELECT snapshot_id AS SnapshotId, province_code AS ProvinceCode, as_of AS AsOf, code_system AS CodeSystem,
               persons AS Persons, encounters AS Encounters, labs AS Labs, medications AS Medications, loaded_at AS LoadedAt
        FROM fact_snapshot
        ORDER BY as_of, loaded_at, snapshot_id
        """;

    /// <summary>The snapshots the caller may see, oldest first: those of its province (legacy ones through the bridge).</summary>
    public static List<SnapshotRow> Visible(WarehouseDb db, UnitScope scope, Caller caller)
    {
        using var c = db.Open();
        return c.Query<SnapshotRow>(Sql)
            .Where(s => caller.IsNational || scope.Footprint(s.CodeSystem, s.ProvinceCode).Provinces.Contains(caller.ScopeProvince))
            .Select(s => caller.ScopeCommune is null ? s : s with { Persons = null, Encounters = null, Labs = null, Medications = null })
            .ToList();
    }

    /// <summary>The snapshot the caller named, or the latest one it may see (optionally of one code system); 404 for an
    /// unknown id and for another province's snapshot alike.</summary>
    public static SnapshotRow Resolve(WarehouseDb db, UnitScope scope, Caller caller, string? snapshotId, string? codeSystem = null)
    {
        var visible = Visible(db, scope, caller);
        if (snapshotId is not null)
            return visible.FirstOrDefault(s => s.SnapshotId == snapshotId) ?? throw Problems.SnapshotNotFound(snapshotId);
        return visible.LastOrDefault(s => codeSystem is null || s.CodeSystem == codeSystem) ?? throw Problems.SnapshotNotFound(null);
    }
}

public static class SnapshotsEndpoints
{
    public static void MapSnapshots(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/snapshots").WithTags("Snapshots").WithWarehouseCache();
        group.MapGet("/", (WarehouseDb db, UnitScope scope, Caller caller) =>
            new Table<SnapshotRow>(SnapshotRow.Visible(db, scope, caller), "anh-chup"))
            .WithSummary("Các ảnh chụp đã nạp trong phạm vi của khoá truy cập, cũ nhất trước.");
        group.MapGet("/latest", (WarehouseDb db, UnitScope scope, Caller caller) =>
            new TableRow<SnapshotRow>(SnapshotRow.Resolve(db, scope, caller, null), "anh-chup-moi-nhat"))
            .WithSummary("Ảnh chụp mới nhất (theo ngày as_of) trong phạm vi của khoá truy cập.");
        group.MapGet("/{snapshotId}", (WarehouseDb db, UnitScope scope, Caller caller, string snapshotId) =>
            new TableRow<SnapshotRow>(SnapshotRow.Resolve(db, scope, caller, snapshotId), "anh-chup-" + snapshotId))
            .WithSummary("Một ảnh chụp.");
    }
}
