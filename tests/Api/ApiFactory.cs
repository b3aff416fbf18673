using System.Net.Http.Json;
using System.Text.Encodings.Web;
using System.Text.Json;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse.Reference;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace HoSoSucKhoe.Tests.Api;

/// <summary>
/// The real server over a private copy of the shared generated warehouse, with one key per role: leadership and an
/// epidemiologist of the generated province, officers of its first two communes (A, B), leadership of another
/// province, a national epidemiologist and an admin.
/// </summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    public const string Admin = "admin-key-000000000001";
    public const string Leadership = "leadership-key-0000001";
    public const string LeadershipElsewhere = "leadership-other-00001";
    public const string Epidemiologist = "epidemiologist-key-001";
    public const string EpidemiologistNational = "epidemiologist-nation1";
    public const string OfficerA = "officer-a-key-00000001";
    public const string OfficerB = "officer-b-key-00000001";

    readonly Dictionary<string, string?> settings;

    public WarehouseFixture Fixture { get; }
    public string Province { get; }
    public string OtherProvince { get; }
    public string CommuneA { get; }
    public string CommuneB { get; }
    public string DbPath { get; }

    public ApiFactory(WarehouseFixture fixture, params (string Key, string? Value)[] overrides)
    {
        Fixture = fixture;
        DbPath = fixture.CopyDatabase();
        Province = fixture.Options.ProvinceCode;
        OtherProvince = Province == "01" ? "79" : "01";
        var communes = ReferenceData.Load().InForce(ReferenceData.System2025, DateOnly.FromDateTime(DateTime.Today))
            .Where(u => u.Level == "commune" && u.ProvinceCode == Province).Select(u => u.Code).Order(StringComparer.Ordinal).ToList();
        (CommuneA, CommuneB) = (communes[0], communes[1]);

        settings = new()
        {
            ["Warehouse:Path"] = DbPath,
            ["Warehouse:PseudonymKey"] = WarehouseFixture.Key,
            // Admin loads are confined to an import folder by default: the tests' snapshots all live below the fixture's root.
            ["Warehouse:ImportRoot"] = fixture.Root,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        (string Key, string Name, string Role, string? Scope)[] credentials =
        [
            (Admin, "Quản trị", "admin", null),
            (Leadership, "Lãnh đạo Sở", "leadership", Province),
            (LeadershipElsewhere, "Lãnh đạo Sở tỉnh khác", "leadership", OtherProvince),
            (Epidemiologist, "Dịch tễ tỉnh", "epidemiologist", Province),
            (EpidemiologistNational, "Dịch tễ toàn quốc", "epidemiologist", null),
            (OfficerA, "Cán bộ xã A", "commune_officer", CommuneA),
            (OfficerB, "Cán bộ xã B", "commune_officer", CommuneB),
        ];
        for (var i = 0; i < credentials.Length; i++)
        {
            settings[$"Access:Credentials:{i}:Key"] = credentials[i].Key;
            settings[$"Access:Credentials:{i}:Name"] = credentials[i].Name;
            settings[$"Access:Credentials:{i}:Role"] = credentials[i].Role;
            settings[$"Access:Credentials:{i}:Scope"] = credentials[i].Scope;
        }
        foreach (var (key, value) in overrides) settings[key] = value;
    }

    /// <summary>Services to replace (e.g. the clock) before the app is built.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        if (TestServices is { } configure) builder.ConfigureTestServices(configure);
    }

    /// <summary>A client that sends the key as X-Api-Key (null: no credential).</summary>
    public HttpClient As(string? key)
    {
        var client = CreateClient();
        client.Timeout = TimeSpan.FromSeconds(30);
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { File.Delete(DbPath); File.Delete(DbPath + ".wal"); } catch (IOException) { }
    }
}

/// <summary>Reading answers in the tests.</summary>
public static class Http
{
    /// <summary>The server's JSON settings (web defaults; Vietnamese letters unescaped).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public sealed record Problem(int Status, string Title, string Detail);

    /// <summary>Asserts a ProblemDetails response with the status and returns it.</summary>
    public static async Task<Problem> ProblemAsync(this HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<Problem>(body, Json)!;
        Assert.Equal(status, problem.Status);
        Assert.False(string.IsNullOrWhiteSpace(problem.Title));
        return problem;
    }

    public static async Task<JsonElement> JsonAsync(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) =>
        client.PostAsJsonAsync(url, body);
}
