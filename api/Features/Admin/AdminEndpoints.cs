using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Options;

namespace HoSoSucKhoe.Api.Features.Admin;

/// <summary>A snapshot folder on the server, or a folder whose sub-folders are snapshots (loaded in as_of order).</summary>
public sealed record LoadRequest(string? Folder, bool Replace = false);

public sealed record LoadResponse(IReadOnlyList<LoadResult> Results);

/// <summary>A population CSV on the server (<c>ward_code,year,population[,permanent_population][,age_band,sex]</c>).</summary>
public sealed record PopulationRequest(string? Path);

/// <summary>One write at a time through the API: a second load (snapshot or population) is answered 409 at once.</summary>
public sealed class LoadGate
{
    readonly SemaphoreSlim slot = new(1, 1);

    public async Task<T> RunAsync<T>(Func<T> load)
    {
        if (!slot.Wait(0))
            throw Problems.Conflict("Một lần nạp khác đang chạy trên kho dữ liệu này; hãy đợi nó xong rồi thử lại.");
        try { return await Task.Run(load); }
        finally { slot.Release(); }
    }
}

public static class AdminEndpoints
{
    public static IServiceCollection AddAdmin(this IServiceCollection services) => services.AddSingleton<LoadGate>();

    public static void MapAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(AccessEndpoints.AdminPolicy);

        group.MapPost("/loads", async (LoadRequest request, WarehouseDb db, IOptions<WarehouseOptions> options, LoadGate gate,
            WarehouseVersion version, IOutputCacheStore cache, RiskModels models, ILogger<LoadRequest> log, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(request.Folder)) throw Problems.Missing("folder");
            var folder = ServerPath(options.Value, "folder", request.Folder);
            var pseudonymiser = RequireKey(options.Value);
            var results = new List<LoadResult>();
            try
            {
                await gate.RunAsync(() =>
                {
                    var folders = SnapshotFolders.In(folder);
                    var loader = Pipeline.Loader(db, pseudonymiser, options.Value.UnknownWardTolerance);
                    foreach (var snapshot in folders) results.Add(loader.Load(snapshot, request.Replace));
                    return results;
                });
            }
            catch (SnapshotRejectedException e)
            {
                // Conflicts with the warehouse's state (same id, other content; a load started elsewhere in this process)
                // are 409; everything wrong with the snapshot itself is 400.
                throw new ProblemException(e.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest, "Ảnh chụp bị từ chối", e.Message);
            }
            finally
            {
                // Earlier folders of a batch stay committed when a later one is rejected: evict for them too.
                if (results.Any(r => r.Outcome != LoadOutcome.AlreadyLoaded))
                {
                    await version.ChangedAsync(cache, CancellationToken.None);
                    _ = models.RefreshInBackground(e => log.LogWarning(e, "Risk model refresh after a load failed"));
                }
            }
            return new LoadResponse(results);
        }).WithSummary("Nạp một ảnh chụp (hoặc mọi ảnh chụp trong các thư mục con) từ thư mục trên máy chủ; chỉ quản trị viên.");

        group.MapPost("/population", async (PopulationRequest request, WarehouseDb db, IOptions<WarehouseOptions> options, LoadGate gate,
            WarehouseVersion version, IOutputCacheStore cache) =>
        {
            if (string.IsNullOrWhiteSpace(request.Path)) throw Problems.Missing("path");
            var path = ServerPath(options.Value, "path", request.Path);
            PopulationLoadResult result;
            try
            {
                result = await gate.RunAsync(() => PopulationLoader.Load(db, path));
            }
            catch (SnapshotRejectedException e)
            {
                throw new ProblemException(StatusCodes.Status400BadRequest, "Tệp dân số bị từ chối", e.Message);
            }
            await version.ChangedAsync(cache, CancellationToken.None);
            return result;
        }).WithSummary("Nạp mẫu số dân số từ một tệp CSV trên máy chủ; chỉ quản trị viên.");
    }

    static Pseudonymiser RequireKey(WarehouseOptions options)
    {
        try { return options.RequirePseudonymiser(); }
        catch (InvalidOperationException e) { throw Problems.Conflict(e.Message); }
    }

    /// <summary>
    /// The server path an admin request names. With <c>Warehouse:ImportRoot</c> set, a relative path means a path in
    /// that folder, and a path outside it (after resolving <c>..</c>) is refused; without it, paths are the server's.
    /// </summary>
    static string ServerPath(WarehouseOptions options, string parameter, string path)
    {
        if (string.IsNullOrWhiteSpace(options.ImportRoot)) return Path.GetFullPath(path);
        var root = Path.GetFullPath(options.ImportRoot);
        if (!Path.EndsInDirectorySeparator(root)) root += Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(path, root);
        if (!(full + Path.DirectorySeparatorChar).StartsWith(root, StringComparison.Ordinal))
            throw Problems.BadParameter(parameter, path, $"đường dẫn phải nằm trong thư mục nhập dữ liệu {root}");
        return full;
    }
}
