using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace HoSoSucKhoe.Api.ApiDocument;

/// <summary>What every operation shares, said once in the document instead of on every route: the two ways to send
/// a key, the ProblemDetails error answers, operation ids, tag descriptions and the licence. The document passes
/// Redocly's "recommended" ruleset; <c>tests/Api/OpenApiDocumentTests.cs</c> checks those rules without npm.</summary>
public static partial class OpenApiConventions
{
    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer<Security>();
            o.AddDocumentTransformer<Metadata>();
            o.AddDocumentTransformer<OperationIds>();
            o.AddOperationTransformer<ProblemResponses>();
        });

    /// <summary>One Vietnamese description per tag (the feature folders). A tag missing here shows up undescribed and
    /// fails <c>OpenApiDocumentTests</c>.</summary>
    internal static readonly IReadOnlyDictionary<string, string> TagDescriptions = new Dictionary<string, string>
    {
        ["Access"] = "Khoá truy cập đang dùng: tên, vai trò và phạm vi.",
        ["Units"] = "Đơn vị hành chính của hai hệ mã (2025 và mã cũ), tên theo ngày hiệu lực và bảng chuyển đổi cũ → mới.",
        ["Snapshots"] = "Các ảnh chụp dữ liệu hồ sơ sức khỏe đã nạp vào kho.",
        ["Coverage"] = "Độ bao phủ hồ sơ sức khỏe so với chỉ tiêu 90 % / 95 %, nhóm ưu tiên, độ đầy đủ và chất lượng dữ liệu.",
        ["Ncd"] = "Bệnh không lây nhiễm (tăng huyết áp, đái tháo đường): chuỗi chăm sóc, tỷ lệ hiện mắc, đồng mắc, nhóm xã, mô hình nguy cơ và danh sách tiếp cận.",
        ["Admin"] = "Nạp ảnh chụp và dân số; chỉ quản trị viên.",
        ["Mail"] = "Đăng ký nhận báo cáo qua thư điện tử và nhật ký gửi thư; chỉ quản trị viên.",
        ["Reports"] = "Tệp Excel phụ lục theo mẫu chính thức, biểu đồ và bản đồ xã (PNG, SVG), cùng số liệu với API.",
    };

    /// <summary>The repository grants no licence of its own (no LICENSE file); only the embedded reference data carries
    /// one (MIT, THIRD-PARTY-NOTICES.md). OpenAPI 3.1 takes an SPDX expression as the identifier, and SPDX's
    /// <c>LicenseRef-</c> form names a licence that is not on its list, which is what "all rights reserved" is.</summary>
    internal static readonly OpenApiLicense License = new()
    {
        Name = "Độc quyền, chưa cấp phép sử dụng lại (dữ liệu tham chiếu nhúng kèm: MIT, xem THIRD-PARTY-NOTICES.md)",
        Identifier = "LicenseRef-HoSoSucKhoe-Proprietary",
    };

    sealed class Metadata : IOpenApiDocumentTransformer
    {
        public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
        {
            document.Info.License = License;
            // The server is taken from the request ("http://host/"); a trailing slash doubles the one every path starts with.
            foreach (var server in document.Servers ?? [])
                if (server.Url is { Length: > 1 } url && url.EndsWith('/')) server.Url = url.TrimEnd('/');
            foreach (var tag in document.Tags ?? Enumerable.Empty<OpenApiTag>())
                if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description)) tag.Description = description;
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// Every operation without an explicit endpoint name gets an id derived from its method and route alone, so adding a
    /// route never renames another one (generated clients keep their method names). Duplicates are refused: a new route
    /// whose derived id is taken needs <c>.WithName(...)</c>.
    /// </summary>
    sealed class OperationIds : IOpenApiDocumentTransformer
    {
        public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
        {
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (path, item) in document.Paths ?? [])
                foreach (var (method, operation) in item.Operations ?? [])
                {
                    operation.OperationId ??= OperationId(method, path);
                    var where = $"{method.Method} {path}";
                    if (!seen.TryAdd(operation.OperationId, where))
                        throw new InvalidOperationException(
                            $"operationId '{operation.OperationId}' of {where} is already used by {seen[operation.OperationId]}; name one of them with .WithName(...).");
                }
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// camelCase: the method, then the route's literal segments after <c>/api</c>; a literal followed by a parameter is
    /// singular (<c>units/{code}/series</c> → <c>UnitSeries</c>); parameters that end the route add <c>By&lt;Name&gt;</c>
    /// (without a repeat of the literal: <c>snapshots/{snapshotId}</c> → <c>SnapshotById</c>). GET /api/coverage/units/{code}/series
    /// → <c>getCoverageUnitSeries</c>.
    /// </summary>
    internal static string OperationId(HttpMethod method, string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is ["api", ..]) segments = segments[1..];
        var name = new StringBuilder(method.Method.ToLowerInvariant());
        var previous = "";
        for (var i = 0; i < segments.Length; i++)
        {
            if (RouteParameter(segments[i]) is not { } parameter)
            {
                var words = Words(segments[i]);
                if (i + 1 < segments.Length && RouteParameter(segments[i + 1]) is not null) words[^1] = Singular(words[^1]);
                previous = string.Concat(words);
                name.Append(previous);
                continue;
            }
            if (segments[i..].Any(s => RouteParameter(s) is null)) continue; // a parameter inside the route: the literal said it
            var pascal = string.Concat(Words(parameter));
            if (pascal.Length > previous.Length && pascal.StartsWith(previous, StringComparison.Ordinal)) pascal = pascal[previous.Length..];
            name.Append(i > 0 && RouteParameter(segments[i - 1]) is not null ? "And" : "By").Append(pascal);
            previous = "";
        }
        return segments.Length == 0 ? name.Append("Root").ToString() : name.ToString();
    }

    /// <summary>The parameter's name in <c>{name}</c>, <c>{name:int}</c>, <c>{name?}</c>, <c>{*name}</c>; null for a literal.</summary>
    static string? RouteParameter(string segment) => ParameterPattern().Match(segment) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex(@"^\{\**([A-Za-z0-9_]+)[^}]*\}$")]
    private static partial Regex ParameterPattern();

    /// <summary>"priority-groups" → [Priority, Groups]; "snapshotId" → [SnapshotId].</summary>
    static string[] Words(string segment) =>
        [.. Regex.Split(segment, "[^A-Za-z0-9]+").Where(w => w.Length > 0).Select(w => char.ToUpperInvariant(w[0]) + w[1..])];

    static string Singular(string word) =>
        word.EndsWith("ies", StringComparison.Ordinal) ? word[..^3] + "y"
        : word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) ? word[..^1] : word;

    sealed class Security : IOpenApiDocumentTransformer
    {
        public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
        {
            document.Info.Title = "HoSoSucKhoe — hồ sơ sức khỏe điện tử";
            document.Info.Description = "Độ bao phủ hồ sơ sức khỏe, chất lượng dữ liệu và bệnh không lây nhiễm theo đơn vị hành chính. " +
                "Mọi yêu cầu cần khoá truy cập (X-Api-Key hoặc Authorization: Bearer); dữ liệu trả về trong phạm vi của khoá. " +
                "JSON mặc định; CSV với ?format=csv hoặc Accept: text/csv. Lỗi theo RFC 9457 (application/problem+json).";
            document.AddComponent<IOpenApiSecurityScheme>("ApiKey", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Api-Key", Description = "Khoá truy cập.",
            });
            document.AddComponent<IOpenApiSecurityScheme>("Bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "Cùng khoá truy cập, gửi như bearer token.",
            });
            document.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("ApiKey", document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] },
            ];
            return Task.CompletedTask;
        }
    }

    sealed class ProblemResponses : IOpenApiOperationTransformer
    {
        static readonly (string Status, string Description)[] Errors =
        [
            ("400", "Tham số không hợp lệ (chi tiết nêu tên tham số)."),
            ("401", "Thiếu hoặc sai khoá truy cập."),
            ("403", "Ngoài phạm vi hoặc vai trò của khoá truy cập."),
            ("404", "Không có đơn vị, ảnh chụp hoặc số liệu được yêu cầu."),
            ("500", "Lỗi máy chủ (kèm traceId, không kèm chi tiết nội bộ)."),
        ];

        public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
        {
            var document = context.Document!;
            if (document.Components?.Schemas?.ContainsKey(nameof(ProblemDetails)) != true)
                document.AddComponent<IOpenApiSchema>(nameof(ProblemDetails), await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, ct));
            var schema = new OpenApiSchemaReference(nameof(ProblemDetails), document);
            operation.Responses ??= [];
            foreach (var (status, description) in Errors)
                operation.Responses.TryAdd(status, new OpenApiResponse
                {
                    Description = description,
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = schema } },
                });
        }
    }
}
