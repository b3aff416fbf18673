using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace HoSoSucKhoe.Api.ApiDocument;

/// <summary>What every operation shares, said once in the document instead of on every route: the two ways to send
/// a key, and the ProblemDetails error answers.</summary>
public static class OpenApiConventions
{
    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer<Security>();
            o.AddOperationTransformer<ProblemResponses>();
        });

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
