using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using DuckDB.NET.Data;

namespace HoSoSucKhoe.Warehouse.Backup;

/// <summary>The manifest of a backup folder (<c>backup.json</c>): what was copied, when, and how to check it.</summary>
public sealed record BackupManifest(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("snapshots")] IReadOnlyList<string> Snapshots,
    [property: JsonPropertyName("tables")] IReadOnlyList<TableFingerprint> Tables);

/// <summary>A backup or restore refused: one Vietnamese message naming the file or folder and what to do.</summary>
public sealed class BackupException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Backups of a warehouse into a folder (<c>warehouse.duckdb</c> + <c>backup.json</c>) and their restore.
/// <para>The copy is made inside the process that holds the warehouse (DuckDB's file lock lets no other process open
/// it): the warehouse's own load slot is taken first, so no load commits during the copy; then one
/// <c>COPY FROM DATABASE</c> statement — one transaction, a consistent view of every table even while the server keeps
/// writing sign-in counters or audit rows — into a new DuckDB file ATTACHed beside it. The manifest records the
/// snapshot ids and every table's row count and row hash (<see cref="WarehouseFingerprint"/>) read back from the copy,
/// and the copy's SHA-256; it is written last, so a folder without it is an unfinished backup.</para>
/// <para>Restore checks the SHA-256 and every table's count and hash before touching the target, copies to a temporary
/// file beside it and renames it into place; it never replaces an existing warehouse unless asked and never one that a
/// process holds.</para>
/// </summary>
public static class WarehouseBackup
{
    public const string Format = "hssk-backup/1";
    public const string ManifestName = "backup.json";
    public const string FileName = "warehouse.duckdb";

    static readonly System.Globalization.CultureInfo Vi = System.Globalization.CultureInfo.GetCultureInfo("vi-VN");
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Copies the open warehouse into <paramref name="folder"/> (created; must not hold a backup already).</summary>
    /// <param name="wait">How long to wait for a running load to finish before refusing.</param>
    /// <exception cref="BackupException">The folder already holds a backup, a load did not finish in time, or the copy failed (disk full…).</exception>
    public static BackupManifest Create(WarehouseDb db, string folder, TimeSpan wait, TimeProvider? clock = null)
    {
        folder = Path.GetFullPath(folder);
        var manifestPath = Path.Combine(folder, ManifestName);
        if (System.IO.File.Exists(manifestPath))
            throw new BackupException($"Thư mục {folder} đã chứa một bản sao lưu ({ManifestName}); chọn một thư mục mới.");
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            throw new BackupException($"Thư mục {folder} không trống; chọn một thư mục mới hoặc trống cho bản sao lưu.");
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, FileName);
        var partial = target + ".partial";
        if (!db.Writer.Wait(wait))
            throw new BackupException($"Một lần nạp đang chạy trên kho {db.Path} và chưa xong sau {wait.TotalSeconds:0} giây; hãy sao lưu lại khi nó xong.");
        try
        {
            using var c = db.OpenStaging();
            var alias = "backup_" + Guid.NewGuid().ToString("N")[..12];
            try
            {
                c.Execute($"ATTACH '{partial.Replace("'", "''")}' AS {alias}");
                try { c.Execute($"COPY FROM DATABASE wh TO {alias}"); }
                finally { c.Execute($"DETACH {alias}"); }
            }
            catch (DuckDBException e)
            {
                Delete(partial);
                throw new BackupException($"Không sao lưu được kho {db.Path} vào {folder}: {Reason(e)} Kho dữ liệu không bị thay đổi.", e);
            }
        }
        finally
        {
            db.Writer.Release();
        }
        System.IO.File.Move(partial, target);
        var (snapshots, tables) = Read(target);
        var manifest = new BackupManifest(Format, db.Path, (clock ?? TimeProvider.System).GetUtcNow(), FileName,
            new FileInfo(target).Length, Sha256(target), snapshots, tables);
        var temp = manifestPath + ".partial";
        System.IO.File.WriteAllText(temp, JsonSerializer.Serialize(manifest, Json));
        System.IO.File.Move(temp, manifestPath);
        return manifest;
    }

    /// <summary>Backs up a warehouse file that no process holds (opens it, copies, closes).</summary>
    /// <exception cref="WarehouseBusyException">A process (a server) holds the file: back up through it instead.</exception>
    public static BackupManifest CreateFromFile(string warehouse, string folder)
    {
        if (!System.IO.File.Exists(warehouse)) throw new BackupException($"Không có tệp kho dữ liệu {warehouse}.");
        using var db = new WarehouseDb(warehouse);
        return Create(db, folder, TimeSpan.Zero);
    }

    /// <summary>Reads and checks a backup folder: manifest format, file size, SHA-256, then every table's rows.</summary>
    /// <exception cref="BackupException">Anything missing or different, naming the file and what differs.</exception>
    public static BackupManifest Verify(string folder)
    {
        folder = Path.GetFullPath(folder);
        var manifestPath = Path.Combine(folder, ManifestName);
        if (!System.IO.File.Exists(manifestPath))
            throw new BackupException($"Thư mục {folder} không phải bản sao lưu: thiếu tệp {ManifestName} (bản sao lưu chưa xong hoặc sai thư mục).");
        BackupManifest? manifest;
        try { manifest = JsonSerializer.Deserialize<BackupManifest>(System.IO.File.ReadAllBytes(manifestPath), Json); }
        catch (JsonException e) { throw new BackupException($"Tệp {manifestPath} hỏng: không đọc được JSON ({e.Message}).", e); }
        if (manifest is null || manifest.Format != Format || manifest.Tables is null || manifest.Snapshots is null || manifest.File != FileName
            || string.IsNullOrEmpty(manifest.Sha256))
            throw new BackupException($"Tệp {manifestPath}: không phải manifest sao lưu {Format} (trường format, file, sha256, tables).");
        var file = Path.Combine(folder, FileName);
        if (!System.IO.File.Exists(file)) throw new BackupException($"Bản sao lưu {folder} thiếu tệp {FileName}.");
        var bytes = new FileInfo(file).Length;
        if (bytes != manifest.Bytes)
            throw new BackupException(string.Create(Vi, $"Tệp {file} có {bytes:N0} byte, manifest ghi {manifest.Bytes:N0} byte: bản sao lưu bị cắt cụt hoặc bị sửa; không khôi phục."));
        var sha = Sha256(file);
        if (sha != manifest.Sha256)
            throw new BackupException($"Tệp {file}: mã băm SHA-256 không khớp với {ManifestName} (tệp bị hỏng hoặc bị sửa sau khi sao lưu); không khôi phục.");
        IReadOnlyList<TableFingerprint> tables;
        try { tables = Read(file).Tables; }
        catch (DuckDBException e) { throw new BackupException($"Tệp {file} không mở được như một kho DuckDB: {e.Message}", e); }
        var differences = WarehouseFingerprint.Differences(manifest.Tables, tables);
        if (differences.Count > 0)
            throw new BackupException($"Bản sao lưu {folder}: nội dung khác manifest ({string.Join("; ", differences.Take(5))}); không khôi phục.");
        return manifest;
    }

    /// <summary>Restores a verified backup to <paramref name="target"/>: a temporary file beside it, checked again, then renamed.</summary>
    /// <exception cref="BackupException">The backup fails verification, the target exists without <paramref name="force"/>,
    /// or a process holds the target.</exception>
    public static BackupManifest Restore(string folder, string target, bool force)
    {
        var manifest = Verify(folder);
        target = Path.GetFullPath(target);
        if (System.IO.File.Exists(target))
        {
            if (!force)
                throw new BackupException($"Tệp {target} đã có: không ghi đè kho dữ liệu đang có. Dùng --force nếu thật sự muốn thay nó bằng bản sao lưu.");
            if (Held(target))
                throw new BackupException($"Kho dữ liệu {target} đang được một tiến trình khác (máy chủ) sử dụng; dừng máy chủ rồi khôi phục.");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = target + ".restore-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            System.IO.File.Copy(Path.Combine(Path.GetFullPath(folder), FileName), temp);
            if (Sha256(temp) != manifest.Sha256)
                throw new BackupException($"Bản chép tạm {temp} khác bản sao lưu (đĩa đầy hoặc lỗi ghi); kho {target} không bị thay đổi.");
            // The old file's write-ahead log must not be replayed onto the restored file.
            System.IO.File.Delete(target + ".wal");
            System.IO.File.Move(temp, target, overwrite: true);
        }
        catch (IOException e)
        {
            throw new BackupException($"Không ghi được {target}: {e.Message}. Kho dữ liệu không bị thay đổi.", e);
        }
        finally
        {
            Delete(temp);
        }
        return manifest;
    }

    /// <summary>Whether another process holds the DuckDB file (its lock refuses a read-only attach).</summary>
    public static bool Held(string file)
    {
        using var c = new DuckDBConnection("Data Source=:memory:");
        c.Open();
        try
        {
            c.Execute($"ATTACH '{file.Replace("'", "''")}' AS probe (READ_ONLY)");
            c.Execute("DETACH probe");
            return false;
        }
        catch (DuckDBException e) when (e.Message.Contains("lock", StringComparison.OrdinalIgnoreCase)) { return true; }
    }

    static (IReadOnlyList<string> Snapshots, IReadOnlyList<TableFingerprint> Tables) Read(string file)
    {
        using var c = new DuckDBConnection("Data Source=:memory:");
        c.Open();
        c.Execute($"ATTACH '{file.Replace("'", "''")}' AS backup (READ_ONLY)");
        var snapshots = c.Query<string>("SELECT snapshot_id FROM backup.main.fact_snapshot ORDER BY as_of, snapshot_id").ToList();
        var tables = WarehouseFingerprint.Of(c, "backup");
        c.Execute("DETACH backup");
        return (snapshots, tables);
    }

    static string Reason(DuckDBException e) =>
        e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("disk", StringComparison.OrdinalIgnoreCase)
            ? "đĩa đầy (không đủ chỗ cho bản sao lưu)."
            : e.Message;

    /// <summary>The SHA-256 of a file, lower-case hex (backups and lakes).</summary>
    internal static string Sha256(string file)
    {
        using var s = System.IO.File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }

    static void Delete(string file)
    {
        try { System.IO.File.Delete(file); System.IO.File.Delete(file + ".wal"); }
        catch (IOException) { /* a leftover temporary file is harmless: it is never read */ }
    }
}
