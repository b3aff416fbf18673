using System.Net;
using System.Net.Http.Headers;
using Dapper;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using Microsoft.Extensions.DependencyInjection;

namespace HoSoSucKhoe.Tests.Api;

/// <summary>Output caching: a change made behind the server's back stays invisible while a cached answer is served, so
/// each test can tell a cache hit from a fresh query.</summary>
[Collection("warehouse")]
public sealed class CacheTests(WarehouseFixture fixture) : IDisposable
{
    readonly ApiFactory api = new(fixture);

    public void Dispose() => api.Dispose();

    void ChangeBehindTheServersBack()
    {
        using var c = api.Services.GetRequiredService<WarehouseDb>().Open();
        c.Execute("UPDATE fact_snapshot SET persons = persons + 1000");
    }

    string NewSnapshot(string id, string asOf) =>
        new TinySnapshot { SnapshotId = id, AsOf = asOf }.Write(fixture.NewFolder(id));

    [Fact]
    public async Task CachedUntilALoadCommitsAndNotEvictedByAFailedLoad()
    {
        var admin = api.As(ApiFactory.Admin);
        var before = await admin.GetStringAsync("/api/snapshots");
        ChangeBehindTheServersBack();
        using (var hit = await admin.GetAsync("/api/snapshots"))
        {
            Assert.Equal(before, await hit.Content.ReadAsStringAsync());
            Assert.NotNull(hit.Headers.Age);
        }

        using (var failed = await admin.PostJsonAsync("/api/admin/loads", new { folder = Path.Combine(fixture.NewFolder("empty"), "missing") }))
            Assert.StartsWith("Từ chối nạp", (await failed.ProblemAsync(400)).Detail);
        Assert.Equal(before, await admin.GetStringAsync("/api/snapshots"));

        using (var loaded = await admin.PostJsonAsync("/api/admin/loads", new { folder = NewSnapshot("01-2025-11-30", "2025-11-30") }))
            Assert.Contains("\"outcome\":\"Loaded\"", await loaded.Content.ReadAsStringAsync());
        var after = (await admin.JsonAsync("/api/snapshots")).EnumerateArray().ToDictionary(s => s.GetProperty("snapshotId").GetString()!);
        Assert.Contains("01-2025-11-30", after.Keys);
        foreach (var old in System.Text.Json.JsonDocument.Parse(before).RootElement.EnumerateArray())
            Assert.Equal(old.GetProperty("persons").GetInt64() + 1000, after[old.GetProperty("snapshotId").GetString()!].GetProperty("persons").GetInt64());
    }

    [Fact]
    public async Task CachedAnswersAreNeverSharedBetweenRolesOrScopes()
    {
        var leadership = api.As(ApiFactory.Leadership);
        var first = await leadership.GetStringAsync($"/api/coverage/communes?parent={api.Province}");
        await leadership.GetStringAsync("/api/snapshots");
        ChangeBehindTheServersBack();
        var cached = await leadership.GetStringAsync("/api/snapshots");
        var epidemiologist = await api.As(ApiFactory.Epidemiologist).GetStringAsync("/api/snapshots");
        Assert.NotEqual(cached, epidemiologist); // same province, another role: its own query sees the change

        var officer = api.As(ApiFactory.OfficerA);
        using var forbidden = await officer.GetAsync($"/api/coverage/communes?parent={api.Province}");
        await forbidden.ProblemAsync(403); // the leadership's cached list is not served to an officer
        Assert.Equal(first, await leadership.GetStringAsync($"/api/coverage/communes?parent={api.Province}"));
    }

    [Fact]
    public async Task JsonAndCsvAreCachedApart()
    {
        var client = api.As(ApiFactory.Leadership);
        await client.GetStringAsync("/api/snapshots");
        var csv = api.As(ApiFactory.Leadership);
        csv.DefaultRequestHeaders.Accept.ParseAdd("text/csv");
        using var response = await csv.GetAsync("/api/snapshots");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task EtagAnswers304UntilALoadChangesIt()
    {
        var admin = api.As(ApiFactory.Admin);
        using var first = await admin.GetAsync("/api/snapshots/latest");
        var etag = first.Headers.ETag!;
        var lastModified = first.Content.Headers.LastModified!.Value;
        Assert.True(first.Headers.CacheControl is { Private: true, NoCache: true });

        Assert.Equal(HttpStatusCode.NotModified, (await Conditional(admin, "/api/snapshots/latest", etag, null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, (await Conditional(admin, "/api/snapshots/latest", null, lastModified)).StatusCode);
        // Another representation of the same URL has another tag.
        Assert.Equal(HttpStatusCode.OK, (await Conditional(admin, "/api/snapshots/latest?format=csv", etag, null)).StatusCode);

        using (var loaded = await admin.PostJsonAsync("/api/admin/loads", new { folder = NewSnapshot("01-2025-12-31", "2025-12-31") }))
            Assert.Equal(HttpStatusCode.OK, loaded.StatusCode);
        using var changed = await Conditional(admin, "/api/snapshots/latest", etag, null);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.True(changed.Content.Headers.LastModified > lastModified);
    }

    [Fact]
    public async Task APopulationLoadMovesLastModifiedSoIfModifiedSinceDoesNotAnswerStale()
    {
        var admin = api.As(ApiFactory.Admin);
        using var first = await admin.GetAsync($"/api/coverage/communes?parent={api.Province}");
        var lastModified = first.Content.Headers.LastModified!.Value;
        await Task.Delay(1100); // Last-Modified has one-second resolution
        using (var loaded = await admin.PostJsonAsync("/api/admin/population", new { path = fixture.PopulationCsv }))
            Assert.Equal(HttpStatusCode.OK, loaded.StatusCode);
        using var after = await Conditional(admin, $"/api/coverage/communes?parent={api.Province}", null, lastModified);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.True(after.Content.Headers.LastModified > lastModified);
    }

    [Fact]
    public async Task EtagAnswers304WithTheOutputCacheOff()
    {
        using var uncached = new ApiFactory(fixture, ("Cache:Enabled", "false"));
        var client = uncached.As(ApiFactory.Leadership);
        using var first = await client.GetAsync($"/api/coverage/communes?parent={uncached.Province}");
        Assert.Null(first.Headers.Age);
        using var again = await Conditional(client, $"/api/coverage/communes?parent={uncached.Province}", first.Headers.ETag, null);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Equal(first.Headers.ETag, again.Headers.ETag);
        // A 304 never hides an answer the caller may not have.
        using var officer = await Conditional(uncached.As(ApiFactory.OfficerA), $"/api/coverage/communes?parent={uncached.Province}", first.Headers.ETag, null);
        await officer.ProblemAsync(403);
    }

    static Task<HttpResponseMessage> Conditional(HttpClient client, string url, EntityTagHeaderValue? etag, DateTimeOffset? since)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (etag is not null) request.Headers.IfNoneMatch.Add(etag);
        if (since is not null) request.Headers.IfModifiedSince = since;
        return client.SendAsync(request);
    }
}
