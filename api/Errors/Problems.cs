using HoSoSucKhoe.Api.Features.Web;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace HoSoSucKhoe.Api.Errors;

/// <summary>An error meant for the caller: thrown by an endpoint, written as ProblemDetails by <see cref="ProblemExceptionHandler"/>.</summary>
public sealed class ProblemException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
}

/// <summary>Every error the API returns, in Vietnamese. Nothing here names a unit the caller may not see.</summary>
public static class Problems
{
    public const string ForbiddenTitle = "Không có quyền truy cập";

    public static ProblemException BadParameter(string name, string? value, string expected) =>
        new(StatusCodes.Status400BadRequest, "Tham số không hợp lệ", $"Tham số '{name}': giá trị '{Clip(value)}' không hợp lệ; {expected}.");

    public static ProblemException OneOf(string name, string? value, IEnumerable<string> allowed) =>
        BadParameter(name, value, "dùng một trong: " + string.Join(", ", allowed));

    public static ProblemException Missing(string name) =>
        new(StatusCodes.Status400BadRequest, "Thiếu tham số", $"Tham số '{name}': bắt buộc.");

    public static ProblemException Forbidden() =>
        new(StatusCodes.Status403Forbidden, ForbiddenTitle, "Đơn vị hoặc dữ liệu được yêu cầu nằm ngoài phạm vi của khoá truy cập này.");

    public static ProblemException UnitNotFound(string codeSystem, string code) =>
        new(StatusCodes.Status404NotFound, "Không tìm thấy đơn vị", $"Không có đơn vị hành chính mã '{Clip(code)}' trong hệ mã {codeSystem}.");

    internal static ProblemException SnapshotNotFound(string? id) =>
        new(StatusCodes.Status404NotFound, "Không tìm thấy ảnh chụp",
            id is null ? "Kho chưa có ảnh chụp dữ liệu nào trong phạm vi của khoá truy cập này." : $"Không có ảnh chụp '{Clip(id)}'.");

    public static ProblemException Conflict(string detail) => new(StatusCodes.Status409Conflict, "Xung đột", detail);

    /// <summary>Writes a ProblemDetails response outside the exception path (authentication, filters).</summary>
    public static async Task WriteAsync(HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        if (ErrorPage.IsPage(http.Request)) { await ErrorPage.WriteAsync(http, status, title, detail); return; }
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    public static IServiceCollection AddApiProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            // Errors the framework raises itself (unknown route, wrong method) get Vietnamese words too.
            if (c.ProblemDetails.Detail is not null) return;
            (c.ProblemDetails.Title, c.ProblemDetails.Detail) = c.ProblemDetails.Status switch
            {
                404 => ("Không tìm thấy", "Không có địa chỉ này trong API; xem /openapi/v1.json."),
                405 => ("Phương thức không được hỗ trợ", $"Địa chỉ này không nhận phương thức {c.HttpContext.Request.Method}."),
                415 => ("Kiểu nội dung không được hỗ trợ", "Nội dung yêu cầu phải là JSON (Content-Type: application/json)."),
                400 => ("Yêu cầu không hợp lệ", "Yêu cầu không hợp lệ."),
                _ => (c.ProblemDetails.Title, c.ProblemDetails.Detail),
            };
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        // Body binding failures throw in every environment, so that they get a Vietnamese 400 (query parameters are
        // bound as text and parsed by Requests/Parameters, so they never fail here).
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    static string Clip(string? s) => s is null ? "" : s.Length <= 80 ? s : s[..80] + "…";
}

/// <summary>Exceptions → ProblemDetails. Anything unexpected is logged and answered with a 500 that carries a trace id
/// and no exception text.</summary>
sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var (status, title, detail) = exception switch
        {
            ProblemException p => (p.Status, p.Title, p.Message),
            BadHttpRequestException b => (b.StatusCode, "Yêu cầu không hợp lệ", b.StatusCode == StatusCodes.Status415UnsupportedMediaType
                ? "Nội dung yêu cầu phải là JSON (Content-Type: application/json)."
                : "Nội dung yêu cầu không phải JSON hợp lệ hoặc sai kiểu trường."),
            SnapshotNotFoundException n => (StatusCodes.Status404NotFound, "Không tìm thấy ảnh chụp", Problems.SnapshotNotFound(n.SnapshotId).Message),
            KpiNotFoundException k => (StatusCodes.Status404NotFound, "Không tìm thấy số liệu", k.Message),
            SnapshotRejectedException r => (StatusCodes.Status400BadRequest, "Dữ liệu bị từ chối", r.Message),
            _ => (StatusCodes.Status500InternalServerError, "Lỗi máy chủ",
                "Đã xảy ra lỗi không mong đợi khi xử lý yêu cầu. Lỗi đã được ghi lại; hãy thử lại hoặc báo quản trị viên kèm mã theo dõi (traceId)."),
        };
        if (status >= 500) Unhandled(log, exception, http.Request.Method, http.Request.Path);
        http.Response.StatusCode = status;
        // A page asked for it: the same words, as a Vietnamese HTML page.
        if (ErrorPage.IsPage(http.Request)) { await ErrorPage.WriteAsync(http, status, title, detail); return true; }
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception on {Method} {Path}")]
    static partial void Unhandled(ILogger logger, Exception exception, string method, string path);
}
