using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;

namespace HoSoSucKhoe.Tests.Security;

/// <summary>Found by the attack set (issue 14 §3): the NCD series answered 200 with no rows for a unit outside the
/// caller's scope (where <c>/cascade</c> and <c>/prevalence</c> refuse), and the comorbidity table answered a national
/// caller's nonexistent unit with an empty table instead of 404.</summary>
[Collection("warehouse")]
public sealed class NcdScopeTests(WarehouseFixture fixture) : IDisposable
{
    readonly ApiFactory api = new(fixture);

    public void Dispose() => api.Dispose();

    /// <summary>A key's client with room for the first NCD computation of every snapshot on a busy machine.</summary>
    HttpClient As(string key)
    {
        var client = api.As(key);
        client.Timeout = TimeSpan.FromMinutes(5);
        return client;
    }

    [Theory]
    [InlineData("/api/ncd/cascade/series")]
    [InlineData("/api/ncd/prevalence/series")]
    public async Task ASeriesOfAUnitOutsideTheScopeIsRefusedLikeOneThatDoesNotExist(string path)
    {
        var leadership = As(ApiFactory.Leadership);
        using var other = await leadership.GetAsync($"{path}?unit={api.OtherProvince}");
        using var none = await leadership.GetAsync($"{path}?unit=99");
        var a = await other.ProblemAsync(403);
        var b = await none.ProblemAsync(403);
        Assert.Equal(a, b);

        var officer = As(ApiFactory.OfficerA);
        using var neighbour = await officer.GetAsync($"{path}?unit={api.CommuneB}");
        using var nowhere = await officer.GetAsync($"{path}?unit=99999");
        Assert.Equal(await neighbour.ProblemAsync(403), await nowhere.ProblemAsync(403));

        // In scope: still answered.
        var own = await leadership.JsonAsync($"{path}?unit={api.Province}");
        Assert.NotEqual(0, own.GetProperty("rows").GetArrayLength());
    }

    [Fact]
    public async Task TheComorbidityOfAUnitThatDoesNotExistIs404ForANationalCaller()
    {
        var national = As(ApiFactory.EpidemiologistNational);
        using var none = await national.GetAsync("/api/ncd/comorbidity?unit=99999");
        Assert.Contains("99999", (await none.ProblemAsync(404)).Detail);
        using var own = await national.GetAsync($"/api/ncd/comorbidity?unit={api.CommuneA}");
        Assert.True(own.IsSuccessStatusCode, await own.Content.ReadAsStringAsync());
        using var outside = await As(ApiFactory.Leadership).GetAsync("/api/ncd/comorbidity?unit=99999");
        await outside.ProblemAsync(403);
    }
}
