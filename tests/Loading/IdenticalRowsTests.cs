using Dapper;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;

namespace HoSoSucKhoe.Tests.Loading;

/// <summary>
/// Labs and medications have no key: a feed may send the same result or dispensing twice in one snapshot, and both
/// copies count. Stored once (<see cref="FactHistory"/>), they are told apart by <c>dup_no</c>; whether a snapshot
/// holds such twins is decided from its staging rows. Three snapshots (twins, the same twins again, one copy gone)
/// read the same in a warehouse of full copies and in one sharing rows, first snapshot included.
/// </summary>
public sealed class IdenticalRowsTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("hssk-twins-").FullName;
    readonly Pseudonymiser key = new("test-key-0123456789");

    public void Dispose() => Directory.Delete(dir, true);

    static TinySnapshot Snapshot(string asOf, int labCopies, int medCopies)
    {
        var s = new TinySnapshot { AsOf = asOf, SnapshotId = "01-" + asOf };
        var lab = s.Rows["labs.arrow"][0];
        var med = s.Rows["medications.arrow"][1];
        for (var i = 1; i < labCopies; i++) s.Rows["labs.arrow"].Add(new(lab));
        for (var i = 1; i < medCopies; i++) s.Rows["medications.arrow"].Add(new(med));
        return s;
    }

    /// <summary>Per snapshot as read: (labs, copies of the twin lab, medications, copies of the twin dispensing).</summary>
    static List<(string Id, long Labs, long LabTwins, long Meds, long MedTwins)> AsRead(WarehouseDb db)
    {
        using var c = db.Open();
        return [.. c.Query<(string, long, long, long, long)>("""
            SELECT s.snapshot_id,
                   (SELECT count(*) FROM fact_lab l WHERE l.snapshot_id = s.snapshot_id),
                   (SELECT count(*) FROM fact_lab l WHERE l.snapshot_id = s.snapshot_id AND l.encounter_id = 'LK0001' AND l.test = 'GLU_FASTING'),
                   (SELECT count(*) FROM fact_medication m WHERE m.snapshot_id = s.snapshot_id),
                   (SELECT count(*) FROM fact_medication m WHERE m.snapshot_id = s.snapshot_id AND m.encounter_id = 'LK0002')
            FROM fact_snapshot s ORDER BY s.as_of
            """)];
    }

    [Fact]
    public void TwinsInOneSnapshotAreKeptApartAndSharedWithTheNext()
    {
        var folders = new[] { Snapshot("2025-07-31", 3, 2), Snapshot("2025-08-31", 3, 2), Snapshot("2025-09-30", 2, 1) }
            .Select(s => s.Write(Path.Combine(dir, s.SnapshotId))).ToList();
        var results = new Dictionary<bool, WarehouseDb>();
        foreach (var share in new[] { false, true })
        {
            var db = new WarehouseDb(Path.Combine(dir, $"share-{share}.duckdb"));
            new SnapshotLoader(db, key) { ShareHistory = share }.LoadAll(folders, replace: false);
            results[share] = db;
        }
        using (results[false])
        using (results[true])
        {
            var expected = new List<(string, long, long, long, long)>
            {
                ("01-2025-07-31", 8, 3, 5, 2), ("01-2025-08-31", 8, 3, 5, 2), ("01-2025-09-30", 7, 2, 4, 1),
            };
            Assert.Equal(expected, AsRead(results[false]));
            Assert.Equal(expected, AsRead(results[true]));
            using var c = results[true].Open();
            // dup_no numbers the copies 1, 2, 3; the second snapshot adds no row, the third ends copy 3 at the second
            Assert.Equal([1, 2, 3], c.Query<int>("SELECT dup_no FROM fact_lab_rows WHERE encounter_id = 'LK0001' AND test = 'GLU_FASTING' ORDER BY dup_no"));
            Assert.Equal(8, c.ExecuteScalar<long>("SELECT count(*) FROM fact_lab_rows"));
            Assert.Equal(1, c.ExecuteScalar<long>("SELECT count(*) FROM fact_lab_rows WHERE seq_to IS NOT NULL"));
            Assert.Equal(5, c.ExecuteScalar<long>("SELECT count(*) FROM fact_medication_rows"));
        }
    }
}
