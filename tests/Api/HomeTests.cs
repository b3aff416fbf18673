using System.Net;
using System.Xml.Linq;
using HoSoSucKhoe.Api.Demo;
using HoSoSucKhoe.Tests.Support;

namespace HoSoSucKhoe.Tests.Api;

[Collection("warehouse")]
public sealed class HomeTests(WarehouseFixture fixture) : IDisposable
{
    readonly ApiFactory api = new(fixture);

    public void Dispose() => api.Dispose();

    [Fact]
    public async Task HomeIsAnAnonymousWellFormedVietnamesePageSayingHowToUseTheApi()
    {
        using var response = await api.As(null).GetAsync("/");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);

        var html = XDocument.Parse(body).Root!;   // well-formed: every element closed, every & escaped
        Assert.Equal("html", html.Name.LocalName);
        Assert.Equal("vi", (string?)html.Attribute("lang"));
        Assert.Contains(html.Descendants("meta"), m => (string?)m.Attribute("charset") == "utf-8");
        Assert.Equal("HoSoSucKhoe — kho dữ liệu hồ sơ sức khỏe điện tử", html.Descendants("title").Single().Value);
        var text = html.Value;
        Assert.Contains("X-Api-Key", text);
        Assert.Contains("Authorization: Bearer", text);
        var links = html.Descendants("a").Select(a => (string)a.Attribute("href")!).ToList();
        Assert.Contains("/openapi/v1.json", links);
        Assert.Contains("/api/me", links);
        Assert.Contains("/api/coverage/communes?parent=<mã tỉnh>", text);

        foreach (var secret in new[] { ApiFactory.Admin, ApiFactory.Leadership, ApiFactory.OfficerA, WarehouseFixture.Key, api.DbPath, fixture.Root })
            Assert.DoesNotContain(secret, body);
        using var document = await api.As(null).GetAsync(links.Single(l => l.StartsWith("/openapi", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
    }

    [Fact]
    public void DemoStartUpSaysWhereToGoNext()
    {
        var output = new StringWriter();
        DemoCredentials.Print(output, [], "http://localhost:5000/", "/api/me");
        Assert.Contains("http://localhost:5000/ ", output.ToString().Replace("\n", " "));
        Assert.Contains("http://localhost:5000/openapi/v1.json", output.ToString());
    }
}
