using System.Net;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HoSoSucKhoe.Tests.Security;

/// <summary>Found by the siege (issue 14 §4): a series read while a load committed carried the ETag of the version
/// before the commit with the new snapshot's point in it. An answer read while a load is committing now waits for the
/// commit to settle and is read again, so its ETag is the version of its figures.</summary>
[Collection("warehouse")]
public sealed class DataVersionTests(WarehouseFixture fixture) : IDisposable
{
    readonly ApiFactory api = new(fixture, ("Cache:Enabled", "false"));

    public void Dispose() => api.Dispose();

    [Fact]
    public async Task AnAnswerReadWhileALoadCommitsWaitsAndCarriesTheVersionAfterIt()
    {
        var client = api.As(ApiFactory.Leadership);
        client.Timeout = TimeSpan.FromMinutes(5);
        var url = $"/api/coverage/units/{api.Province}/series";
        using (var warm = await client.GetAsync(url)) Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        var version = api.Services.GetRequiredService<WarehouseVersion>();
        var before = version.Current.Tag;

        version.Committing();
        var pending = client.GetAsync(url);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(pending.IsCompleted, "answered while a load was committing");
        version.Committed();
        using var response = await pending;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tag = response.Headers.ETag!.Tag.Trim('"');
        Assert.StartsWith(version.Current.Tag + "-", tag);
        Assert.Equal(before, version.Current.Tag); // nothing was loaded: the same data, the same version

        // Not committing: answered at once.
        using var again = await client.GetAsync(url);
        Assert.StartsWith(version.Current.Tag + "-", again.Headers.ETag!.Tag.Trim('"'));
    }
}
