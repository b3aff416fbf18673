namespace HoSoSucKhoe.Warehouse.Snapshots;

/// <summary>
/// A snapshot (or population file) that cannot be loaded. One message for the user, in Vietnamese, naming the
/// file and the column and row (or the manifest key), followed by the English technical detail. Nothing of it
/// was loaded.
/// </summary>
public sealed class SnapshotRejectedException : Exception
{
    public string File { get; }
    public string? Column { get; }
    public long? Row { get; }

    /// <summary>Refused because of the warehouse's state (another load running, same id with other content),
    /// not because the snapshot itself is wrong.</summary>
    public bool Conflict { get; init; }

    public SnapshotRejectedException(string file, string? column, long? row, string vietnamese, string english, Exception? inner = null)
        : base(Format(file, column, row, vietnamese, english), inner)
    {
        File = file;
        Column = column;
        Row = row;
    }

    static string Format(string file, string? column, long? row, string vi, string en)
    {
        var where = $"tệp {file}" + (column is null ? "" : $", cột {column}") + (row is null ? "" : $", dòng {row}");
        return $"Từ chối nạp — {where}: {vi} ({en})";
    }
}
