using System.Net;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Features.Web;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Api.Features.Home;

/// <summary>
/// <c>/</c>: until the dashboards land, one page that says what this server is, how to send a key and where the API
/// document is. Anonymous, so it holds nothing but what the README says (no key, no path, no figure).
/// </summary>
public static class HomeEndpoints
{
    /// <param name="exampleProvince">A province the examples can name (the demo's); without it they show a placeholder.</param>
    public static void MapHome(this IEndpointRouteBuilder app, string? exampleProvince = null) =>
        app.MapGet("/", (HttpRequest request, SnapshotCatalog catalog) => request.HttpContext.User.Identity?.IsAuthenticated == true
                ? Results.Redirect(WebPages.HomeOf(Caller.From(request.HttpContext.User), catalog))
                : Results.Content(Page($"{request.Scheme}://{request.Host}", exampleProvince), "text/html; charset=utf-8"))
            .AllowAnonymous().ExcludeFromDescription();

    static string Page(string baseUrl, string? province)
    {
        var origin = WebUtility.HtmlEncode(baseUrl);
        var coverage = province is null
            ? "<code>/api/coverage/communes?parent=&lt;mã tỉnh&gt;</code>"
            : $"""<a href="/api/coverage/communes?parent={province}&amp;sort=coverage_pct"><code>/api/coverage/communes?parent={province}&amp;sort=coverage_pct</code></a>""";
        return $"""
            <!DOCTYPE html>
            <html lang="vi">
            <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>HoSoSucKhoe — kho dữ liệu hồ sơ sức khỏe điện tử</title>
            <style>body {"{"} font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; {"}"} pre, code {"{"} background: #f3f3f3; {"}"} pre {"{"} padding: .5rem; overflow-x: auto; {"}"}</style>
            </head>
            <body>
            <h1>HoSoSucKhoe — kho dữ liệu hồ sơ sức khỏe điện tử</h1>
            <p>Kho dữ liệu phân tích hồ sơ sức khỏe điện tử (HSSK): các ảnh chụp dữ liệu của tỉnh được nạp vào kho; tỉ lệ bao phủ
            so với mục tiêu 90% và 95%, gánh nặng tăng huyết áp, đái tháo đường và danh sách nhóm nguy cơ được cung cấp qua API.
            Người dùng đăng nhập để xem bảng điều khiển; máy và tập lệnh dùng API với khoá truy cập.</p>
            <p><a href="/dang-nhap"><strong>Đăng nhập</strong></a> để xem bảng điều khiển (tài khoản do quản trị viên cấp).</p>
            <h2>Xác thực</h2>
            <p>Mọi địa chỉ <code>/api/…</code> cần một khoá truy cập do quản trị viên cấp, gửi trong tiêu đề
            <code>X-Api-Key: &lt;khoá&gt;</code> hoặc <code>Authorization: Bearer &lt;khoá&gt;</code>.
            Trình duyệt không tự gửi khoá, nên mở các liên kết bên dưới sẽ nhận lỗi 401; hãy gửi khoá, ví dụ:</p>
            <pre>curl -H "X-Api-Key: &lt;khoá&gt;" "{origin}/api/me"</pre>
            <h2>Tài liệu API</h2>
            <p>Mô tả OpenAPI của mọi địa chỉ (không cần khoá): <a href="/openapi/v1.json"><code>/openapi/v1.json</code></a>.</p>
            <h2>Ví dụ</h2>
            <ul>
            <li><a href="/api/me"><code>/api/me</code></a> — tên, vai trò và phạm vi của khoá đang dùng</li>
            <li><a href="/api/snapshots"><code>/api/snapshots</code></a> — các ảnh chụp đã nạp vào kho</li>
            <li>{coverage} — tỉ lệ bao phủ của từng xã, phường trong tỉnh</li>
            </ul>
            </body>
            </html>
            """;
    }
}
