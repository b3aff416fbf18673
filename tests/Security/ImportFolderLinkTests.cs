using System.Net;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;

namespace HoSoSucKhoe.Tests.Security;

/// <summary>Admin loads stay inside <c>Warehouse:ImportRoot</c> even through symbolic links (the attack set, issue 14 §3:
/// a link in the import folder to a folder or file elsewhere on the server was followed).</summary>
[Collection("warehouse")]
public sealed class ImportFolderLinkTests(WarehouseFixture fixture)
{
    [Fact]
    public async Task ALinkInTheImportFolderToAFolderOrFileOutsideItIsRefusedNamingTheParameter()
    {
        var inbox = fixture.NewFolder("inbox");
        var outside = fixture.NewFolder("outside");
        new TinySnapshot { SnapshotId = "01-2027-01-31", AsOf = "2027-01-31" }.Write(Path.Combine(outside, "01-2027-01-31"));
        File.WriteAllText(Path.Combine(outside, "population.csv"), "ward_code,year,population\n00004,2027,1000\n");
        Directory.CreateSymbolicLink(Path.Combine(inbox, "lien-ket"), outside);
        File.CreateSymbolicLink(Path.Combine(inbox, "dan-so.csv"), Path.Combine(outside, "population.csv"));
        using var api = new ApiFactory(fixture, ("Warehouse:ImportRoot", inbox));
        var admin = api.As(ApiFactory.Admin);

        foreach (var folder in new[] { "lien-ket", "lien-ket/01-2027-01-31", Path.Combine(inbox, "lien-ket", "01-2027-01-31") })
        {
            using var refused = await admin.PostJsonAsync("/api/admin/loads", new { folder });
            var problem = await refused.ProblemAsync(400);
            Assert.Contains("Tham số 'folder'", problem.Detail);
            Assert.Contains("thư mục nhập dữ liệu", problem.Detail);
        }
        foreach (var path in new[] { "dan-so.csv", "lien-ket/population.csv" })
        {
            using var refused = await admin.PostJsonAsync("/api/admin/population", new { path });
            Assert.Contains("Tham số 'path'", (await refused.ProblemAsync(400)).Detail);
        }
        using (var snapshots = await api.As(ApiFactory.EpidemiologistNational).GetAsync("/api/snapshots"))
            Assert.DoesNotContain("01-2027-01-31", await snapshots.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ALinkThatStaysInsideTheImportFolderLoads()
    {
        var inbox = fixture.NewFolder("inbox");
        new TinySnapshot { SnapshotId = "01-2027-02-28", AsOf = "2027-02-28" }.Write(Path.Combine(inbox, "thang-2", "01-2027-02-28"));
        Directory.CreateSymbolicLink(Path.Combine(inbox, "moi-nhat"), Path.Combine(inbox, "thang-2"));
        using var api = new ApiFactory(fixture, ("Warehouse:ImportRoot", inbox));
        using var loaded = await api.As(ApiFactory.Admin).PostJsonAsync("/api/admin/loads", new { folder = "moi-nhat" });
        Assert.True(loaded.StatusCode == HttpStatusCode.OK, await loaded.Content.ReadAsStringAsync());
        Assert.Contains("01-2027-02-28", await loaded.Content.ReadAsStringAsync());
    }
}
