using System.Text.RegularExpressions;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Backup;

namespace HoSoSucKhoe.Api.Features.Admin;

/// <summary>A backup of the running server's warehouse: an optional folder name (letters, digits, '.', '_', '-');
/// by default the UTC time, yyyyMMdd-HHmmss.</summary>
public sealed record BackupRequest(string? Name = null);

/// <summary>Where the backup was written (a folder on the server) and its manifest.</summary>
public sealed record BackupResponse(string Folder, BackupManifest Manifest);

/// <summary>
/// Backups taken inside the server, which holds the warehouse file (no other process can open it): into a folder under
/// <c>Backups:Root</c> (default: <c>backups</c> beside the warehouse file), never a path the request names, so an admin
/// key cannot make the server write elsewhere. <see cref="WarehouseBackup.Create"/> waits for a running load to finish
/// (up to <c>Backups:WaitSeconds</c>, default 600) and holds the load slot during the copy.
/// </summary>
public sealed partial class AdminBackups(WarehouseDb db, IConfiguration configuration, TimeProvider clock, ILogger<AdminBackups> log)
{
    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex SafeName();

    /// <summary>The folder backups go to.</summary>
    public string Root => Path.GetFullPath(configuration["Backups:Root"] is { Length: > 0 } root
        ? root
        : Path.Combine(Path.GetDirectoryName(db.Path)!, "backups"));

    /// <exception cref="ProblemException">400 for a bad name, 409 when the folder exists or a load did not finish in time,
    /// 507 when the copy failed (e.g. the disk is full).</exception>
    public async Task<BackupResponse> CreateAsync(BackupRequest? request)
    {
        var name = request?.Name;
        if (name is not null && !SafeName().IsMatch(name))
            throw Problems.BadParameter("name", name, "tên thư mục gồm chữ, số, '.', '_' hoặc '-' (tối đa 64 ký tự), không chứa '/'");
        name ??= clock.GetUtcNow().ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var folder = Path.Combine(Root, name);
        if (Directory.Exists(folder)) throw Problems.Conflict($"Đã có bản sao lưu tên '{name}' trong {Root}; chọn tên khác.");
        var wait = TimeSpan.FromSeconds(configuration.GetValue("Backups:WaitSeconds", 600));
        try
        {
            var manifest = await Task.Run(() => WarehouseBackup.Create(db, folder, wait, clock));
            log.LogInformation("Backup of {Warehouse} written to {Folder}", db.Path, folder);
            return new BackupResponse(folder, manifest);
        }
        catch (BackupException e) when (e.InnerException is null)
        {
            throw Problems.Conflict(e.Message);
        }
        catch (BackupException e)
        {
            log.LogError(e.InnerException, "Backup of {Warehouse} to {Folder} failed", db.Path, folder);
            throw new ProblemException(StatusCodes.Status507InsufficientStorage, "Không sao lưu được", e.Message);
        }
    }
}
