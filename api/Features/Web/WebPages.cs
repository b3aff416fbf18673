using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.WebEncoders;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.OutputCaching;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Api.Features.Web;

/// <summary>
/// The dashboards: Razor Pages in this folder (docs/architecture.md says why Razor Pages), the stylesheet beside them,
/// signed in with the cookie of <see cref="AccessEndpoints"/>. Every page reads its figures through the query objects
/// the API uses and checks role and scope with <see cref="Coverage.CoverageScope"/> / <see cref="UnitScope"/>.
/// </summary>
public static class WebPages
{
    public const string StylesheetPath = "/giao-dien/site.css";
    public const string AntiforgeryCookie = PageCacheAttribute.SessionCookie;

    static readonly Lazy<(byte[] Bytes, string ETag)> Stylesheet = new(() =>
    {
        using var stream = typeof(WebPages).Assembly.GetManifestResourceStream("Web.site.css")!;
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        var bytes = memory.ToArray();
        return (bytes, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
    });

    /// <summary>The pages kept by the output cache.</summary>
    public static readonly IReadOnlyList<string> CachedPages = ["/Overview", "/Communes", "/Commune", "/Ncd", "/DataQuality", "/Programme", "/National"];

    public static IServiceCollection AddWebPages(this IServiceCollection services)
    {
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Features/Web";
            o.Conventions.AuthorizeFolder("/Admin", AccessEndpoints.AdminPolicy);
            // The read-only dashboards are output-cached like the API (per user, browser session, query and data
            // version; a load evicts them). Never the line lists (names, every view audited), sign-in or administration.
            foreach (var page in CachedPages)
                o.Conventions.AddPageApplicationModelConvention(page, m =>
                {
                    m.EndpointMetadata.Add(new OutputCacheAttribute { PolicyName = WarehouseCachePolicy.Name });
                    m.EndpointMetadata.Add(new PageCacheAttribute());
                });
        }).ConfigureApplicationPartManager(manager =>
        {
            // The pages live in this assembly; a host whose entry assembly is another (the benchmark) finds them too.
            var assembly = typeof(WebPages).Assembly;
            foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly))
                if (!manager.ApplicationParts.Any(p => p.GetType() == part.GetType() && p.Name == part.Name))
                    manager.ApplicationParts.Add(part);
        });
        // Razor would write every Vietnamese letter as &#x…; (the default encoder allows Basic Latin only).
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = AntiforgeryCookie;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // as the sign-in cookie (AccessEndpoints)
            o.FormFieldName = "__RequestVerificationToken";
        });
        return services;
    }

    public static void MapWebPages(this IEndpointRouteBuilder app)
    {
        app.MapRazorPages();
        app.MapGet(StylesheetPath, (HttpContext http) =>
        {
            var (bytes, etag) = Stylesheet.Value;
            http.Response.Headers.ETag = etag;
            http.Response.Headers.CacheControl = "public, max-age=86400";
            return http.Request.Headers.IfNoneMatch == etag ? Results.StatusCode(StatusCodes.Status304NotModified) : Results.Bytes(bytes, "text/css; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>Where a signed-in person starts: leadership and a provincial epidemiologist their province's overview,
    /// an officer its commune, national callers the province of the latest snapshot (an admin without data: the
    /// administration page).</summary>
    public static string HomeOf(Caller caller, SnapshotCatalog catalog)
    {
        if (caller.ScopeCommune is { } commune) return $"/xa/{commune}";
        if (caller.ScopeProvince is { } province) return $"/tinh/{province}";
        // A national warehouse (several provinces): the national page; one province's own warehouse: that province.
        if (catalog.LatestPerProvince(null).Count > 1) return "/toan-quoc";
        if (catalog.VisibleTo(null).LastOrDefault() is { } latest) return $"/tinh/{latest.ProvinceCode}";
        return caller.Role == Roles.Admin ? "/quan-tri" : "/tinh/01";
    }
}
