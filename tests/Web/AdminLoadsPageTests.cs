using System.Net;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;

namespace HoSoSucKhoe.Tests.Web;

/// <summary>The administration page's loads (<c>/quan-tri/nap</c>): what the import folder holds, a load started in the
/// background with its progress and outcome on the page, the same refusals as <c>POST /api/admin/loads</c>.</summary>
[Collection("warehouse")]
public sealed class AdminLoadsPageTests : IDisposable
{
    readonly WarehouseFixture fixture;
    readonly string inbox;
    readonly ApiFactory api;

    public AdminLoadsPageTests(WarehouseFixture fixture)
    {
        this.fixture = fixture;
        inbox = fixture.NewFolder("inbox-page");
        api = new ApiFactory(fixture, ("Warehouse:ImportRoot", inbox));
        WebClient.SeedUsers(api);
    }

    public void Dispose() => api.Dispose();

    static async Task<HttpResponseMessage> Post(HttpClient client, string handler, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = await WebClient.TokenAsync(client, "/quan-tri/nap");
        return await client.PostAsync($"/quan-tri/nap?handler={handler}", new FormUrlEncodedContent(fields));
    }

    [Fact]
    public async Task AdminStartsALoadFromTheImportFolderAndSeesItsProgressThenItsOutcome()
    {
        new TinySnapshot { SnapshotId = "01-2026-10-31", AsOf = "2026-10-31" }.Write(Path.Combine(inbox, "thang-10"));
        File.WriteAllText(Path.Combine(inbox, "dan-so.csv"), $"ward_code,year,population\n{api.CommuneA},2026,1000\n");
        var admin = WebClient.Browser(api);
        using (await WebClient.SignInAsync(admin, "admin")) { }
        var page = await admin.GetStringAsync("/quan-tri/nap");
        Assert.Contains("<option value=\"thang-10\">", page);
        Assert.Contains("<option value=\"dan-so.csv\">", page);

        using (var started = await Post(admin, "Snapshots", new() { ["Folder"] = "thang-10" }))
            Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        string shown;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            shown = await admin.GetStringAsync("/quan-tri/nap");
            if (shown.Contains("data-finished=\"false\""))
            {
                Assert.Contains("http-equiv=\"refresh\"", shown); // the page refreshes itself while the load runs
                await Task.Delay(300);
            }
        } while (!shown.Contains("data-finished=\"true\"") && waited.Elapsed < TimeSpan.FromMinutes(3));
        Assert.Contains("data-failed=\"false\"", shown);
        Assert.Contains("01-2026-10-31: đã nạp", shown);
        Assert.DoesNotContain("http-equiv=\"refresh\"", shown);
        var ids = (await api.As(ApiFactory.Admin).JsonAsync("/api/snapshots")).EnumerateArray().Select(s => s.GetProperty("snapshotId").GetString());
        Assert.Contains("01-2026-10-31", ids);

        // The same refusal as the API for a path outside the import folder, on the page, nothing started.
        using var escape = await Post(admin, "Snapshots", new() { ["Folder"] = "../khac" });
        Assert.Equal(HttpStatusCode.BadRequest, escape.StatusCode);
        var refused = await escape.Content.ReadAsStringAsync();
        Assert.Contains("Không bắt đầu được", refused);
        Assert.Contains("Tham số &#x27;folder&#x27;", refused.Replace("'", "&#x27;"));

        // Not for other roles.
        var leadership = WebClient.Browser(api);
        using (await WebClient.SignInAsync(leadership, "lanhdao")) { }
        using var forbidden = await leadership.GetAsync("/quan-tri/nap");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }
}
