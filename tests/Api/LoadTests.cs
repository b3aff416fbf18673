using System.Net;
using System.Text.Json;
using HoSoSucKhoe.Api.Features.Admin;
using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using Microsoft.Extensions.DependencyInjection;

namespace HoSoSucKhoe.Tests.Api;

[Collection("warehouse")]
public sealed class LoadTests(WarehouseFixture fixture) : IDisposable
{
    readonly ApiFactory api = new(fixture, ("Cache:Enabled", "false"));

    public void Dispose() => api.Dispose();

    HttpClient Admin => api.As(ApiFactory.Admin);

    string Tiny(string id, string asOf, Action<TinySnapshot>? change = null)
    {
        var s = new TinySnapshot { SnapshotId = id, AsOf = asOf };
        change?.Invoke(s);
        return s.Write(fixture.NewFolder(id));
    }

    async Task<List<string>> SnapshotIds(HttpClient client) =>
        (await client.JsonAsync("/api/snapshots")).EnumerateArray().Select(s => s.GetProperty("snapshotId").GetString()!).ToList();

    [Fact]
    public async Task QueriesAnswerFromThePreviousSnapshotWhileALoadRuns()
    {
        var client = api.As(ApiFactory.EpidemiologistNational);
        var before = await SnapshotIds(client);
        var coverageBefore = (await client.JsonAsync($"/api/coverage/communes?parent={api.Province}")).GetRawText();

        // A real load through the server's own warehouse, held open inside its transaction after facts and marts are written.
        using var inside = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);
        var loader = new SnapshotLoader(api.Services.GetRequiredService<WarehouseDb>(), new Pseudonymiser(WarehouseFixture.Key),
            [.. Pipeline.AfterLoadSteps, (_, _) => { inside.Release(); release.Wait(); }]);
        var folder = Tiny("01-2026-01-31", "2026-01-31");
        var load = Task.Run(() => loader.Load(folder));
        try
        {
            Assert.True(await inside.WaitAsync(TimeSpan.FromMinutes(2)), "the load never reached its commit");
            Assert.Equal(before, await SnapshotIds(client));
            Assert.Equal(coverageBefore, (await client.JsonAsync($"/api/coverage/communes?parent={api.Province}")).GetRawText());
            using var second = await Admin.PostJsonAsync("/api/admin/loads", new { folder = Tiny("01-2026-02-28", "2026-02-28") });
            Assert.Contains("một lần nạp khác đang chạy", (await second.ProblemAsync(409)).Detail);
            Assert.False(load.IsCompleted);
        }
        finally
        {
            release.Release();
        }
        Assert.Equal(LoadOutcome.Loaded, (await load).Outcome);
        Assert.Equal([.. before, "01-2026-01-31"], await SnapshotIds(client)); // oldest first: the new one is the latest
    }

    [Fact]
    public async Task SecondLoadThroughTheApiWhileOneRunsIs409()
    {
        var gate = api.Services.GetRequiredService<LoadGate>();
        using var entered = new SemaphoreSlim(0);
        using var hold = new SemaphoreSlim(0);
        var running = gate.RunAsync(() => { entered.Release(); hold.Wait(); return 0; });
        await entered.WaitAsync();
        try
        {
            using var load = await Admin.PostJsonAsync("/api/admin/loads", new { folder = Tiny("01-2026-03-31", "2026-03-31") });
            Assert.Equal("Một lần nạp khác đang chạy trên kho dữ liệu này; hãy đợi nó xong rồi thử lại.", (await load.ProblemAsync(409)).Detail);
            using var population = await Admin.PostJsonAsync("/api/admin/population", new { path = "none.csv" });
            await population.ProblemAsync(409);
        }
        finally
        {
            hold.Release();
        }
        await running;
    }

    [Fact]
    public async Task RejectedSnapshotIs400WithTheLoadersVietnameseMessage()
    {
        var folder = Tiny("01-2026-04-30", "2026-04-30");
        TinySnapshot.EditManifest(folder, m => m["files"]!["persons.arrow"]!["rows"] = 999);
        var before = await SnapshotIds(Admin);
        using var response = await Admin.PostJsonAsync("/api/admin/loads", new { folder });
        var problem = await response.ProblemAsync(400);
        Assert.Equal("Ảnh chụp bị từ chối", problem.Title);
        Assert.StartsWith("Từ chối nạp — tệp persons.arrow: số dòng thực tế 6 khác số dòng khai báo trong manifest 999.", problem.Detail);
        Assert.Equal(before, await SnapshotIds(Admin));
    }

    [Fact]
    public async Task SameSnapshotIdWithOtherContentIs409UnlessReplaced()
    {
        using (var first = await Admin.PostJsonAsync("/api/admin/loads", new { folder = Tiny("01-2026-05-31", "2026-05-31") }))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var changed = Tiny("01-2026-05-31", "2026-05-31", s => s.Rows["persons.arrow"][0]["verified"] = false);
        using (var conflict = await Admin.PostJsonAsync("/api/admin/loads", new { folder = changed }))
            Assert.Contains("đã được nạp với nội dung khác", (await conflict.ProblemAsync(409)).Detail);
        using var replaced = await Admin.PostJsonAsync("/api/admin/loads", new { folder = changed, replace = true });
        var result = JsonDocument.Parse(await replaced.Content.ReadAsStringAsync()).RootElement.GetProperty("results")[0];
        Assert.Equal("Replaced", result.GetProperty("outcome").GetString());
        Assert.Equal(6, result.GetProperty("persons").GetInt64());
    }

    [Fact]
    public async Task AFolderOfSnapshotFoldersIsLoadedInOrder()
    {
        var parent = fixture.NewFolder("batch");
        new TinySnapshot { SnapshotId = "01-2026-07-31", AsOf = "2026-07-31" }.Write(Path.Combine(parent, "b"));
        new TinySnapshot { SnapshotId = "01-2026-06-30", AsOf = "2026-06-30" }.Write(Path.Combine(parent, "a-later-name-z"));
        using var response = await Admin.PostJsonAsync("/api/admin/loads", new { folder = parent });
        var results = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("results");
        Assert.Equal(["01-2026-06-30", "01-2026-07-31"], results.EnumerateArray().Select(r => r.GetProperty("snapshotId").GetString()));
    }

    [Fact]
    public async Task PopulationLoadChangesCoverageAtOnce()
    {
        using var cached = new ApiFactory(fixture);
        var leadership = cached.As(ApiFactory.Leadership);
        var url = $"/api/coverage/communes?parent={cached.Province}";
        var before = await leadership.JsonAsync(url);
        var commune = before.GetProperty("rows")[0].GetProperty("code").GetString();
        var year = DateOnly.Parse(before.GetProperty("snapshot").GetProperty("asOf").GetString()!).Year;
        var csv = Path.Combine(fixture.NewFolder("population"), "population.csv");
        File.WriteAllText(csv, $"ward_code,year,population\n{commune},{year},123456\n");

        using (var response = await cached.As(ApiFactory.Admin).PostJsonAsync("/api/admin/population", new { path = csv }))
            Assert.Equal(1, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("rows").GetInt32());
        var after = await leadership.JsonAsync(url);
        Assert.Equal(123456, after.GetProperty("rows")[0].GetProperty("population").GetInt64());

        using var bad = await cached.As(ApiFactory.Admin).PostJsonAsync("/api/admin/population", new { path = csv + ".missing" });
        Assert.Equal("Tệp dân số bị từ chối", (await bad.ProblemAsync(400)).Title);
    }

    [Fact]
    public async Task WithAnImportRootRelativePathsMeanPathsInsideIt()
    {
        var inbox = fixture.NewFolder("inbox");
        using var guarded = new ApiFactory(fixture, ("Warehouse:ImportRoot", inbox));
        var admin = guarded.As(ApiFactory.Admin);
        new TinySnapshot { SnapshotId = "01-2026-08-31", AsOf = "2026-08-31" }.Write(Path.Combine(inbox, "august"));
        using (var loaded = await admin.PostJsonAsync("/api/admin/loads", new { folder = "august" }))
        {
            var body = await loaded.Content.ReadAsStringAsync();
            Assert.True(loaded.StatusCode == HttpStatusCode.OK, body);
            Assert.Equal("01-2026-08-31", JsonDocument.Parse(body).RootElement.GetProperty("results")[0].GetProperty("snapshotId").GetString());
        }
        var commune = guarded.CommuneA;
        File.WriteAllText(Path.Combine(inbox, "population.csv"), $"ward_code,year,population\n{commune},2026,1000\n");
        using (var population = await admin.PostJsonAsync("/api/admin/population", new { path = "./population.csv" }))
            Assert.True(population.StatusCode == HttpStatusCode.OK, await population.Content.ReadAsStringAsync());

        var outside = Path.GetFileName(Tiny("01-2026-09-30", "2026-09-30"));  // a sibling of the inbox
        using (var escape = await admin.PostJsonAsync("/api/admin/loads", new { folder = Path.Combine("..", outside) }))
            Assert.Contains("Tham số 'folder'", (await escape.ProblemAsync(400)).Detail);
        using (var deeper = await admin.PostJsonAsync("/api/admin/population", new { path = "august/../../population.csv" }))
            Assert.Contains("Tham số 'path'", (await deeper.ProblemAsync(400)).Detail);
    }

    [Fact]
    public async Task WithAnImportRootAdminLoadsFromElsewhereAreRefusedNamingTheParameter()
    {
        var inbox = fixture.NewFolder("inbox");
        using var guarded = new ApiFactory(fixture, ("Warehouse:ImportRoot", inbox));
        var admin = guarded.As(ApiFactory.Admin);
        var outside = Tiny("01-2026-03-31", "2026-03-31");
        using (var refused = await admin.PostJsonAsync("/api/admin/loads", new { folder = outside }))
            Assert.Contains("Tham số 'folder'", (await refused.ProblemAsync(400)).Detail);
        using (var sneaky = await admin.PostJsonAsync("/api/admin/population", new { path = Path.Combine(inbox, "..", "..", "population.csv") }))
            Assert.Contains("Tham số 'path'", (await sneaky.ProblemAsync(400)).Detail);

        var inside = new TinySnapshot { SnapshotId = "01-2026-04-30", AsOf = "2026-04-30" }.Write(Path.Combine(inbox, "01-2026-04-30"));
        using var loaded = await admin.PostJsonAsync("/api/admin/loads", new { folder = inside });
        Assert.Equal(HttpStatusCode.OK, loaded.StatusCode);
    }
    [Fact]
    public async Task WithoutAnImportRootLoadsComeOnlyFromTheImportFolderBesideTheWarehouseUnlessExplicitlyAllowed()
    {
        var outside = Tiny("01-2026-05-31", "2026-05-31");
        using (var byDefault = new ApiFactory(fixture, ("Warehouse:ImportRoot", null)))
        {
            var admin = byDefault.As(ApiFactory.Admin);
            var import = Path.Combine(Path.GetDirectoryName(byDefault.DbPath)!, "import");
            using (var refused = await admin.PostJsonAsync("/api/admin/loads", new { folder = outside }))
            {
                var problem = await refused.ProblemAsync(400);
                Assert.Contains("Tham số 'folder'", problem.Detail);
                Assert.Contains(import, problem.Detail);
            }
            using (var etc = await admin.PostJsonAsync("/api/admin/population", new { path = "/etc/passwd" }))
                Assert.Contains("Tham số 'path'", (await etc.ProblemAsync(400)).Detail);
            new TinySnapshot { SnapshotId = "01-2026-06-30", AsOf = "2026-06-30" }.Write(Path.Combine(import, "june"));
            try
            {
                using var inside = await admin.PostJsonAsync("/api/admin/loads", new { folder = "june" });
                Assert.True(inside.StatusCode == HttpStatusCode.OK, await inside.Content.ReadAsStringAsync());
            }
            finally { Directory.Delete(import, recursive: true); }
        }

        using var trusted = new ApiFactory(fixture, ("Warehouse:ImportRoot", null), ("Warehouse:AllowAnyServerPath", "true"));
        using var loaded = await trusted.As(ApiFactory.Admin).PostJsonAsync("/api/admin/loads", new { folder = outside });
        Assert.True(loaded.StatusCode == HttpStatusCode.OK, await loaded.Content.ReadAsStringAsync());
    }
}
