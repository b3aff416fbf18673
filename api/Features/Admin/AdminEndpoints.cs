using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Warehouse.Loading;

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
    public static IServiceCollection AddAdmin(this IServiceCollection services) =>
        services.AddSingleton<LoadGate>().AddSingleton<AdminLoads>().AddSingleton<AdminBackups>();

    public static void MapAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(AccessEndpoints.AdminPolicy);

        group.MapPost("/loads", (LoadRequest request, AdminLoads loads) => loads.SnapshotsAsync(request.Folder, request.Replace))
            .WithSummary("Nạp một ảnh chụp (hoặc mọi ảnh chụp trong các thư mục con) từ thư mục trên máy chủ; chỉ quản trị viên.");

        group.MapPost("/population", (PopulationRequest request, AdminLoads loads) => loads.PopulationAsync(request.Path))
            .WithSummary("Nạp mẫu số dân số từ một tệp CSV trên máy chủ; chỉ quản trị viên.");

        group.MapPost("/backups", async (BackupRequest? request, AdminBackups backups) =>
                TypedResults.Created((string?)null, await backups.CreateAsync(request)))
            .WithSummary("Sao lưu kho dữ liệu đang phục vụ vào thư mục sao lưu của máy chủ (Backups:Root); đợi lần nạp đang chạy xong; chỉ quản trị viên.");
    }
}
