using System.Net;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection;

namespace HoSoSucKhoe.Tests.Web;

/// <summary>The dashboards are output-cached like the API: a repeat view is served from the cache (the middleware's
/// <c>Age</c> header), per user and browser session, and a committed load evicts it; line lists never are.</summary>
[Collection("warehouse")]
public sealed class PageCacheTests(WarehouseFixture fixture) : IDisposable
{
    readonly ApiFactory api = Seeded(new ApiFactory(fixture));

    static ApiFactory Seeded(ApiFactory api)
    {
        WebClient.SeedUsers(api);
        return api;
    }

    public void Dispose() => api.Dispose();

    async Task<HttpClient> SignedIn(string user)
    {
        var client = WebClient.Browser(api);
        using var signIn = await WebClient.SignInAsync(client, user);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        // The first page after sign-in may carry a new antiforgery cookie (never stored); settle the session.
        using (await client.GetAsync($"/tinh/{api.Province}/xa?q=khoi-dong")) { }
        return client;
    }

    static async Task<(string Body, bool FromCache)> Get(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync(), response.Headers.Age is not null);
    }

    [Fact]
    public async Task RepeatViewsComeFromTheCachePerUserAndALoadEvictsThem()
    {
        var leadership = await SignedIn("lanhdao");
        foreach (var url in new[] { $"/tinh/{api.Province}", $"/tinh/{api.Province}/xa", $"/xa/{api.CommuneA}", $"/tinh/{api.Province}/chuong-trinh" })
        {
            var (first, firstCached) = await Get(leadership, url);
            var (second, secondCached) = await Get(leadership, url);
            Assert.False(firstCached, url);
            Assert.True(secondCached, url);
            Assert.Equal(first, second);
        }
        // Another query string is another page.
        Assert.False((await Get(leadership, $"/tinh/{api.Province}/xa?sort=name")).FromCache);

        // Another user with the same role and scope is not served the first one's page (it names its user).
        var epidemiologist = await SignedIn("dichte");
        var (theirs, cached) = await Get(epidemiologist, $"/tinh/{api.Province}");
        Assert.False(cached);
        Assert.Contains("Dịch tễ tỉnh", theirs);
        Assert.DoesNotContain("Lãnh đạo Sở", theirs);

        // A committed load evicts every page.
        await api.Services.GetRequiredService<WarehouseVersion>().ChangedAsync(api.Services.GetRequiredService<IOutputCacheStore>(), default);
        Assert.False((await Get(leadership, $"/tinh/{api.Province}")).FromCache);
        Assert.True((await Get(leadership, $"/tinh/{api.Province}")).FromCache);
    }

    [Fact]
    public async Task LineListsAreNeverCachedAndEveryViewIsAudited()
    {
        var officer = await SignedIn("canboa");
        var url = $"/xa/{api.CommuneA}/danh-sach/followup";
        var before = (await api.As(ApiFactory.Admin).JsonAsync("/api/ncd/audit")).GetArrayLength();
        for (var i = 0; i < 2; i++)
        {
            using var response = await officer.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(response.Headers.Age);
            Assert.Contains("no-store", response.Headers.CacheControl!.ToString());
        }
        Assert.Equal(before + 2, (await api.As(ApiFactory.Admin).JsonAsync("/api/ncd/audit")).GetArrayLength());
        // The commune page itself is cached for its officer, like the others.
        await Get(officer, $"/xa/{api.CommuneA}");
        Assert.True((await Get(officer, $"/xa/{api.CommuneA}")).FromCache);
    }
}
