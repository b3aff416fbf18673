using Dapper;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Tests.Models;

/// <summary>The per-snapshot NCD data kept between requests is read once, and read anew after the data changes.</summary>
[Collection("warehouse")]
public sealed class NcdDataStoreTests(WarehouseFixture fixture)
{
    [Fact]
    public void KeepsASnapshotsDataUntilForgottenAfterAWrite()
    {
        using var db = new WarehouseDb(fixture.CopyDatabase());
        LoadedSnapshot s;
        using (var c = db.Open()) s = SnapshotCatalog.All(c)[^1];
        var store = new NcdDataStore(db);
        var first = store.Get(s);
        Assert.Same(first, store.Get(s));
        Assert.NotEmpty(first.Cells);

        using (var c = db.Open()) c.Execute("DELETE FROM ncd_cell WHERE snapshot_id = $sid", new { sid = s.SnapshotId });
        Assert.Same(first, store.Get(s));          // not yet told
        store.Forget();                             // what WarehouseVersion.ChangedAsync does after every write
        Assert.Empty(store.Get(s).Cells);
    }
}
