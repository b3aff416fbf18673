using Dapper;
using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;

namespace HoSoSucKhoe.Tests.Loading;

/// <summary>"Load this folder" means the same on the command line as through the admin API (tests/Api/LoadTests.cs).</summary>
public sealed class SnapshotFoldersTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("hssk-folders-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    /// <summary>Two snapshots whose folder names sort the other way round from their as_of, and a folder that is no snapshot.</summary>
    string Batch()
    {
        var parent = Path.Combine(dir, "batch");
        new TinySnapshot { SnapshotId = "01-2025-10-31", AsOf = "2025-10-31" }.Write(Path.Combine(parent, "a-later"));
        new TinySnapshot { SnapshotId = "01-2025-09-30", AsOf = "2025-09-30" }.Write(Path.Combine(parent, "z-earlier"));
        Directory.CreateDirectory(Path.Combine(parent, "notes"));
        return parent;
    }

    [Fact]
    public void AFolderOfSnapshotsMeansItsSnapshotSubFoldersByAsOf()
    {
        var parent = Batch();
        Assert.Equal([Path.Combine(parent, "z-earlier"), Path.Combine(parent, "a-later")], SnapshotFolders.In(parent));
        Assert.Equal([Path.Combine(parent, "a-later")], SnapshotFolders.In(Path.Combine(parent, "a-later")));
        Assert.Equal([Path.Combine(parent, "notes")], SnapshotFolders.In(Path.Combine(parent, "notes")));
    }

    [Fact]
    public void CommandLineLoadOfAFolderOfSnapshotsLoadsEachOfThem()
    {
        var parent = Batch();
        var db = Path.Combine(dir, "wh.duckdb");
        Environment.SetEnvironmentVariable(Commands.KeyVariable, "test-key-0123456789");
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(Commands.Run(["load", parent, "--db", db], output, error) == 0, error.ToString());
        Assert.Contains("01-2025-09-30: đã nạp 6 hồ sơ", output.ToString());
        using var warehouse = new WarehouseDb(db);
        using var c = warehouse.Open();
        Assert.Equal(["01-2025-09-30", "01-2025-10-31"], c.Query<string>("SELECT snapshot_id FROM fact_snapshot ORDER BY as_of"));
    }
}
