namespace HoSoSucKhoe.Warehouse.Marts;

/// <summary>
/// An unknown snapshot or unit, or a unit that the snapshot does not contain. The HTTP layer maps it to 404; the
/// message is Vietnamese and names only what the caller asked for.
/// </summary>
public sealed class KpiNotFoundException(KpiNotFoundException.What what, string message) : Exception(message)
{
    public enum What { Snapshot, Unit }

    /// <summary>Which request parameter did not resolve.</summary>
    public What NotFound { get; } = what;

    internal static KpiNotFoundException Snapshot(string id) =>
        new(What.Snapshot, $"Không có ảnh chụp '{id}' trong kho dữ liệu.");

    /// <summary>No province has a 2025-code snapshot on or before the date (the national tables).</summary>
    public static KpiNotFoundException NoNationalSnapshot(DateOnly? asOf) =>
        new(What.Snapshot, asOf is { } d
            ? $"Chưa có ảnh chụp mã 2025 nào của tỉnh nào đến ngày {d:dd/MM/yyyy}."
            : "Kho chưa có ảnh chụp mã 2025 nào.");

    public static KpiNotFoundException Unit(string code, string? snapshotId) =>
        new(What.Unit, snapshotId is null
            ? $"Không có số liệu cho đơn vị mã '{code}' trong kho dữ liệu."
            : $"Ảnh chụp '{snapshotId}' không có đơn vị mã '{code}'.");
}
