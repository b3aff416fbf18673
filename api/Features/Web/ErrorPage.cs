using System.Text;

namespace HoSoSucKhoe.Api.Features.Web;

/// <summary>An error answered to a person (a page URL, not <c>/api</c>): the API's own title and detail, as a short
/// Vietnamese HTML page with the same status. It names nothing the words of the API would not.</summary>
public static class ErrorPage
{
    /// <summary>HTML-escapes markup characters only, so that Vietnamese letters stay letters.</summary>
    static string Encode(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

    public static bool IsPage(HttpRequest request) => !Access.AccessEndpoints.IsApi(request);

    public static async Task WriteAsync(HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        var t = Encode(title);
        var html = $"""
            <!DOCTYPE html>
            <html lang="vi">
            <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>{t} — HoSoSucKhoe</title><link rel="stylesheet" href="{WebPages.StylesheetPath}" /></head>
            <body><main class="error">
            <h1>{t}</h1>
            <p class="status">Mã lỗi {status}</p>
            <p>{Encode(detail)}</p>
            <p><a href="/">Về trang chủ</a></p>
            </main></body>
            </html>
            """;
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(html), http.RequestAborted);
    }
}
