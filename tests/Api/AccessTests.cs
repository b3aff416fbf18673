using System.Net.Http.Headers;
using HoSoSucKhoe.Tests.Support;
using Microsoft.Extensions.Options;

namespace HoSoSucKhoe.Tests.Api;

[Collection("warehouse")]
public sealed class AccessTests(WarehouseFixture fixture) : IDisposable
{
    readonly ApiFactory api = new(fixture);

    public void Dispose() => api.Dispose();

    [Fact]
    public async Task RequestWithoutCredentialIs401WithVietnameseProblem()
    {
        using var response = await api.As(null).GetAsync("/api/snapshots");
        var problem = await response.ProblemAsync(401);
        Assert.Equal("Chưa xác thực", problem.Title);
        Assert.Contains("X-Api-Key", problem.Detail);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task UnknownKeyIs401()
    {
        using var response = await api.As("not-a-key-of-this-server").GetAsync("/api/snapshots");
        Assert.Equal("Khoá truy cập không hợp lệ.", (await response.ProblemAsync(401)).Detail);
    }

    [Fact]
    public async Task BearerTokenAndApiKeyHeaderAreBothAccepted()
    {
        var bearer = api.As(null);
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiFactory.OfficerA);
        var me = await bearer.JsonAsync("/api/me");
        Assert.Equal("commune_officer", me.GetProperty("role").GetString());
        Assert.Equal(api.CommuneA, me.GetProperty("scope").GetString());
        Assert.Equal("Cán bộ xã A", me.GetProperty("name").GetString());

        var header = await api.As(ApiFactory.Leadership).JsonAsync("/api/me");
        Assert.Equal("leadership", header.GetProperty("role").GetString());
    }

    [Fact]
    public async Task OfficerOfCommuneAGets403ForCommuneBAndForTheProvinceList()
    {
        var officer = api.As(ApiFactory.OfficerA);
        foreach (var report in new[] { "completeness", "data-quality", "priority-groups", "series", "permanent-residents" })
        {
            using var own = await officer.GetAsync($"/api/coverage/units/{api.CommuneA}/{report}");
            Assert.True(own.IsSuccessStatusCode, $"{report}: {(int)own.StatusCode} {await own.Content.ReadAsStringAsync()}");
            using var other = await officer.GetAsync($"/api/coverage/units/{api.CommuneB}/{report}");
            Assert.Equal("Không có quyền truy cập", (await other.ProblemAsync(403)).Title);
        }
        using var list = await officer.GetAsync($"/api/coverage/communes?parent={api.Province}");
        await list.ProblemAsync(403);
        using var provinceSeries = await officer.GetAsync($"/api/coverage/units/{api.Province}/series");
        await provinceSeries.ProblemAsync(403);
    }

    [Fact]
    public async Task ForbiddenAnswerIsTheSameWhetherTheUnitExistsOrNot()
    {
        var officer = api.As(ApiFactory.OfficerA);
        using var existing = await officer.GetAsync($"/api/coverage/units/{api.CommuneB}/completeness");
        using var missing = await officer.GetAsync("/api/coverage/units/99999/completeness");
        var a = await existing.ProblemAsync(403);
        var b = await missing.ProblemAsync(403);
        Assert.Equal(a, b);
        Assert.DoesNotContain(api.CommuneB, a.Detail);

        var elsewhere = api.As(ApiFactory.LeadershipElsewhere);
        using var realProvince = await elsewhere.GetAsync($"/api/coverage/communes?parent={api.Province}");
        using var noProvince = await elsewhere.GetAsync("/api/coverage/communes?parent=98");
        Assert.Equal(await realProvince.ProblemAsync(403), await noProvince.ProblemAsync(403));
    }

    [Fact]
    public async Task LeadershipSeesItsOwnProvinceOnly()
    {
        var own = await api.As(ApiFactory.Leadership).JsonAsync($"/api/coverage/communes?parent={api.Province}");
        Assert.NotEmpty(own.GetProperty("rows").EnumerateArray());

        var elsewhere = api.As(ApiFactory.LeadershipElsewhere);
        Assert.Empty((await elsewhere.JsonAsync("/api/snapshots")).EnumerateArray());
        using var latest = await elsewhere.GetAsync("/api/snapshots/latest");
        await latest.ProblemAsync(404);
        var someSnapshot = (await api.As(ApiFactory.Admin).JsonAsync("/api/snapshots"))[0].GetProperty("snapshotId").GetString();
        // Another province's snapshot answers exactly like an unknown one.
        using var foreign = await elsewhere.GetAsync($"/api/snapshots/{someSnapshot}");
        Assert.Contains(someSnapshot!, (await foreign.ProblemAsync(404)).Detail);
        using var unknown = await elsewhere.GetAsync("/api/snapshots/no-such-snapshot");
        Assert.Equal("Không tìm thấy ảnh chụp", (await unknown.ProblemAsync(404)).Title);
    }

    [Fact]
    public async Task CommuneOfficerSeesSnapshotsWithoutProvinceTotals()
    {
        var snapshots = await api.As(ApiFactory.OfficerA).JsonAsync("/api/snapshots");
        Assert.NotEmpty(snapshots.EnumerateArray());
        Assert.All(snapshots.EnumerateArray(), s => Assert.Equal(System.Text.Json.JsonValueKind.Null, s.GetProperty("persons").ValueKind));
        var full = await api.As(ApiFactory.Leadership).JsonAsync("/api/snapshots");
        Assert.All(full.EnumerateArray(), s => Assert.True(s.GetProperty("persons").GetInt64() > 0));
    }

    [Fact]
    public async Task OnlyAnAdminMayLoad()
    {
        using var leadership = await api.As(ApiFactory.Leadership).PostJsonAsync("/api/admin/loads", new { folder = "/nowhere" });
        var problem = await leadership.ProblemAsync(403);
        Assert.Contains("leadership", problem.Detail);
        using var anonymous = await api.As(null).PostJsonAsync("/api/admin/population", new { path = "/nowhere.csv" });
        await anonymous.ProblemAsync(401);
    }

    [Fact]
    public void MisconfiguredCredentialStopsTheServerNamingIt()
    {
        using var bad = new ApiFactory(fixture, ("Access:Credentials:7:Key", "a-long-enough-key-123"), ("Access:Credentials:7:Name", "x"),
            ("Access:Credentials:7:Role", "boss"));
        var e = Assert.ThrowsAny<OptionsValidationException>(() => bad.CreateClient());
        Assert.Contains("Access:Credentials:7: vai trò 'boss' không tồn tại", e.Message);
    }
}
