using System.Globalization;
using System.Text.Json;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Features.Admin;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Backup;

namespace HoSoSucKhoe.Api.Cli;

/// <summary>
/// <c>backup --db &lt;file&gt; --out &lt;folder&gt;</c>, <c>backup --server &lt;url&gt; [--name &lt;name&gt;]</c> and
/// <c>restore --from &lt;folder&gt; --db &lt;file&gt; [--force]</c> (<see cref="WarehouseBackup"/>). A warehouse that a
/// server holds cannot be opened by this process (DuckDB's file lock), so the copy is then made by that server: with
/// <c>--server</c> the verb asks it (<c>POST /api/admin/backups</c>, admin key in <see cref="KeyVariable"/>), and without,
/// it stops and says exactly that.
/// </summary>
public static class BackupCommand
{
    /// <summary>The environment variable holding the admin API key for <c>backup --server</c>.</summary>
    public const string KeyVariable = "HSSK_ADMIN_KEY";

    static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");

    public static int Backup(CliArgs a, TextWriter output)
    {
        var server = a.Optional("--server");
        if (server is not null)
        {
            var name = a.Optional("--name");
            a.NoOthers();
            return ThroughServer(server, name, output);
        }
        var db = a.Required("--db");
        var folder = a.Required("--out");
        a.NoOthers();
        if (!File.Exists(db)) throw new CliUsageException($"Tham số --db: không có tệp '{db}'.");
        BackupManifest manifest;
        try
        {
            manifest = WarehouseBackup.CreateFromFile(db, folder);
        }
        catch (WarehouseBusyException)
        {
            throw new BackupRefusedException(
                $"Kho dữ liệu {db} đang được máy chủ giữ (DuckDB không cho tiến trình khác mở tệp, kể cả chỉ đọc), nên lệnh này không tự sao lưu được. " +
                $"Cho chính máy chủ đó sao lưu: đặt khoá quản trị vào biến môi trường {KeyVariable} rồi chạy\n" +
                "  backup --server <địa chỉ máy chủ, ví dụ http://127.0.0.1:5000> [--name <tên thư mục>]\n" +
                "(hoặc gọi POST /api/admin/backups với khoá đó); bản sao lưu được ghi vào thư mục sao lưu của máy chủ " +
                $"(Backups:Root, mặc định {Path.Combine(Path.GetDirectoryName(db)!, "backups")}).");
        }
        catch (BackupException e) { throw new BackupRefusedException(e.Message); }
        Describe(output, Path.GetFullPath(folder), manifest);
        return 0;
    }

    public static int Restore(CliArgs a, string directory, TextWriter output)
    {
        var from = Path.GetFullPath(a.Required("--from"), directory);
        var db = a.Required("--db");
        var force = a.Flag("--force");
        a.NoOthers();
        if (!Directory.Exists(from)) throw new CliUsageException($"Tham số --from: không có thư mục '{from}'.");
        BackupManifest manifest;
        try { manifest = WarehouseBackup.Restore(from, db, force); }
        catch (BackupException e) { throw new BackupRefusedException(e.Message); }
        output.WriteLine(string.Create(Vi,
            $"Đã khôi phục {db} từ bản sao lưu {from} (tạo lúc {manifest.CreatedAt.ToLocalTime():dd/MM/yyyy HH:mm:ss}): " +
            $"{manifest.Snapshots.Count:N0} ảnh chụp, {manifest.Tables.Count:N0} bảng, {manifest.Tables.Sum(t => t.Rows):N0} dòng; mọi bảng đã được kiểm tra khớp manifest."));
        return 0;
    }

    static int ThroughServer(string server, string? name, TextWriter output)
    {
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new CliUsageException($"Tham số --server: '{server}' không phải địa chỉ http(s), ví dụ http://127.0.0.1:5000.");
        var key = Environment.GetEnvironmentVariable(KeyVariable);
        if (string.IsNullOrWhiteSpace(key))
            throw new CliUsageException($"Thiếu khoá quản trị: đặt biến môi trường {KeyVariable} (khoá API vai trò admin của máy chủ) trước khi chạy backup --server.");
        using var http = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromMinutes(30) };
        http.DefaultRequestHeaders.Add(ApiKeyHandler.Header, key);
        HttpResponseMessage response;
        try
        {
            response = http.PostAsJsonAsync("api/admin/backups", new BackupRequest(name)).GetAwaiter().GetResult();
        }
        catch (HttpRequestException e)
        {
            throw new BackupRefusedException($"Không kết nối được máy chủ {uri}: {e.Message}");
        }
        using (response)
        {
            var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode)
            {
                var detail = body;
                try { detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString() ?? body; }
                catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException) { }
                throw new BackupRefusedException($"Máy chủ {uri} từ chối sao lưu ({(int)response.StatusCode}): {detail}");
            }
            var result = JsonSerializer.Deserialize<BackupResponse>(body, JsonSerializerOptions.Web)!;
            Describe(output, result.Folder, result.Manifest);
        }
        return 0;
    }

    static void Describe(TextWriter output, string folder, BackupManifest m) =>
        output.WriteLine(string.Create(Vi,
            $"Đã sao lưu {m.Source} vào {folder}: {m.Snapshots.Count:N0} ảnh chụp ({string.Join(", ", m.Snapshots)}), " +
            $"{m.Tables.Count:N0} bảng, {m.Tables.Sum(t => t.Rows):N0} dòng, {m.Bytes / 1048576.0:N1} MB; SHA-256 {m.Sha256[..16]}… (xem {WarehouseBackup.ManifestName})."));
}

/// <summary>A backup or restore refused (exit code 1): the message says why and what to do.</summary>
public sealed class BackupRefusedException(string message) : Exception(message);
