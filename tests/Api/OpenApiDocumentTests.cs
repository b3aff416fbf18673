using System.Text.Json;
using System.Text.RegularExpressions;
using HoSoSucKhoe.Api.ApiDocument;
using HoSoSucKhoe.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;

namespace HoSoSucKhoe.Tests.Api;

/// <summary>
/// The rules of Redocly's "recommended" ruleset that the served document could break, checked on /openapi/v1.json of
/// the real server (no npm, no network). Redocly itself was run by hand; see the commit message.
/// </summary>
[Collection("warehouse")]
public sealed partial class OpenApiDocumentTests(WarehouseFixture fixture) : IDisposable
{
    static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    readonly ApiFactory api = new(fixture);

    public void Dispose() => api.Dispose();

    async Task<JsonElement> DocumentAsync() => await api.As(null).JsonAsync("/openapi/v1.json");

    static IEnumerable<(string Method, string Path, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(m => Methods.Contains(m.Name)).Select(m => (m.Name.ToUpperInvariant(), path.Name, m.Value)));

    [GeneratedRegex("^[a-z][a-zA-Z0-9]*$")]
    private static partial Regex CamelCase();

    [Fact]
    public async Task EveryOperationHasAUniqueCamelCaseOperationId()
    {
        var operations = Operations(await DocumentAsync()).ToList();
        Assert.True(operations.Count >= 28, $"only {operations.Count} operations");
        var ids = new List<string>();
        foreach (var (method, path, operation) in operations)
        {
            Assert.True(operation.TryGetProperty("operationId", out var id), $"{method} {path}: no operationId");
            Assert.Matches(CamelCase(), id.GetString()!);
            ids.Add(id.GetString()!);
        }
        Assert.Empty(ids.GroupBy(x => x).Where(g => g.Count() > 1).Select(g => g.Key));
    }

    /// <summary>Generated clients name their methods after these: a change here breaks every client.</summary>
    [Theory]
    [InlineData("GET", "/api/me", "getMe")]
    [InlineData("GET", "/api/units", "getUnits")]
    [InlineData("GET", "/api/units/{code}", "getUnitByCode")]
    [InlineData("GET", "/api/units/{code}/history", "getUnitHistory")]
    [InlineData("GET", "/api/snapshots/latest", "getSnapshotsLatest")]
    [InlineData("GET", "/api/snapshots/{snapshotId}", "getSnapshotById")]
    [InlineData("GET", "/api/coverage/{level}", "getCoverageByLevel")]
    [InlineData("GET", "/api/coverage/units/{code}/series", "getCoverageUnitSeries")]
    [InlineData("GET", "/api/coverage/units/{code}/priority-groups", "getCoverageUnitPriorityGroups")]
    [InlineData("GET", "/api/ncd/linelists/{kind}", "getNcdLinelistByKind")]
    [InlineData("POST", "/api/ncd/model/train", "postNcdModelTrain")]
    [InlineData("POST", "/api/admin/loads", "postAdminLoads")]
    public async Task OperationIdOfARouteIsStable(string method, string path, string expected)
    {
        var operation = Operations(await DocumentAsync()).Single(o => o.Method == method && o.Path == path).Operation;
        Assert.Equal(expected, operation.GetProperty("operationId").GetString());
    }

    /// <summary>The id depends on the route alone (so a new route cannot rename an old one), whatever its constraints.</summary>
    [Theory]
    [InlineData("GET", "/api/units/{code:int}/children", "getUnitChildren")]
    [InlineData("GET", "/api/categories/{id}", "getCategoryById")]
    [InlineData("DELETE", "/api/a/{x}/{y?}", "deleteAByXAndY")]
    [InlineData("GET", "/files/{*rest}", "getFileByRest")]
    [InlineData("GET", "/", "getRoot")]
    public void OperationIdIsAFunctionOfMethodAndRoute(string method, string path, string expected) =>
        Assert.Equal(expected, OpenApiConventions.OperationId(new HttpMethod(method), path));

    [Fact]
    public async Task TwoRoutesWithTheSameDerivedIdAreRefusedNotRenamed()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddApiDocument();
        await using var app = builder.Build();
        app.MapOpenApi();
        app.MapGet("/api/units/{code}/history", () => "old");
        app.MapGet("/api/unit/history", () => "new");
        await app.StartAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.GetTestClient().GetAsync("/openapi/v1.json"));
        Assert.Contains("getUnitHistory", error.Message);
        Assert.Contains(".WithName", error.Message);
    }

    [Fact]
    public async Task EveryTagUsedIsDeclaredWithAVietnameseDescription()
    {
        var document = await DocumentAsync();
        var declared = document.GetProperty("tags").EnumerateArray()
            .ToDictionary(t => t.GetProperty("name").GetString()!, t => t.TryGetProperty("description", out var d) ? d.GetString() : null);
        var used = Operations(document).SelectMany(o => o.Operation.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!)).ToHashSet();
        Assert.Superset(new HashSet<string> { "Access", "Units", "Snapshots", "Coverage", "Ncd", "Admin" }, used);
        foreach (var tag in used)
        {
            Assert.True(declared.TryGetValue(tag, out var description), $"tag {tag} is not declared");
            Assert.False(string.IsNullOrWhiteSpace(description), $"tag {tag} has no description");
            Assert.Matches("[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", description!.ToLowerInvariant());
        }
    }

    [Fact]
    public async Task InfoHasALicenceWithAnIdentifierOrUrl()
    {
        var license = (await DocumentAsync()).GetProperty("info").GetProperty("license");
        Assert.False(string.IsNullOrWhiteSpace(license.GetProperty("name").GetString()));
        // OpenAPI 3.1: url and identifier are mutually exclusive, one is needed (Redocly info-license-strict).
        Assert.True(license.TryGetProperty("url", out _) ^ license.TryGetProperty("identifier", out _));
    }

    [Fact]
    public async Task NoServerUrlOrPathEndsWithASlash()
    {
        var document = await DocumentAsync();
        foreach (var server in document.TryGetProperty("servers", out var s) ? s.EnumerateArray() : Enumerable.Empty<JsonElement>())
            Assert.False(server.GetProperty("url").GetString()!.EndsWith('/'), server.GetProperty("url").GetString());
        foreach (var path in document.GetProperty("paths").EnumerateObject())
            Assert.True(path.Name == "/" || !path.Name.EndsWith('/'), path.Name);
    }

    [Fact]
    public async Task EveryOperationHasASummaryASuccessAndA4xxResponse()
    {
        foreach (var (method, path, operation) in Operations(await DocumentAsync()))
        {
            Assert.True(operation.TryGetProperty("summary", out var summary) && summary.GetString()!.Length > 0, $"{method} {path}: no summary");
            var statuses = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
            Assert.True(statuses.Any(x => x.StartsWith('2')), $"{method} {path}: no 2xx");
            Assert.True(statuses.Any(x => x.StartsWith('4')), $"{method} {path}: no 4xx");
        }
    }

    [Fact]
    public async Task EveryComponentIsReferencedAndEveryReferenceResolves()
    {
        var document = await DocumentAsync();
        var json = document.GetRawText();
        var refs = RefPattern().Matches(json).Select(m => m.Groups[1].Value).ToHashSet();
        var components = document.GetProperty("components");
        foreach (var kind in components.EnumerateObject().Where(k => k.Name != "securitySchemes"))
            foreach (var component in kind.Value.EnumerateObject())
                Assert.True(refs.Contains($"#/components/{kind.Name}/{component.Name}"), $"unused component {kind.Name}/{component.Name}");
        foreach (var reference in refs)
        {
            var parts = reference.Split('/');
            Assert.True(components.TryGetProperty(parts[2], out var kind) && kind.TryGetProperty(parts[3], out _), $"dangling {reference}");
        }
        // Security schemes are used by the document-wide requirement rather than by $ref.
        var schemes = components.GetProperty("securitySchemes").EnumerateObject().Select(x => x.Name).ToHashSet();
        var required = document.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject().Select(x => x.Name)).ToHashSet();
        Assert.Equal(schemes, required);
    }

    [GeneratedRegex("\"\\$ref\":\\s*\"(#/components/[^\"]+)\"")]
    private static partial Regex RefPattern();
}
