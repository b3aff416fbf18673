using Dapper;
using HoSoSucKhoe.Synthetic;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Snapshots;
using HoSoSucKhoe.Warehouse.Xml130;

namespace HoSoSucKhoe.Tests.Xml130;

/// <summary>The generator's visits written as XML 130 and converted back give the direct snapshot's figures.</summary>
[Collection("warehouse")]
public sealed class RoundTripTests(WarehouseFixture fixture)
{
    [Fact]
    public void GeneratedVisitsSentAsXml130GiveTheSameCoverageAndKpiMartsAsTheDirectSnapshot()
    {
        var direct = fixture.SnapshotFolders[^1];
        var work = fixture.NewFolder("xml130-roundtrip");
        var registry = Path.Combine(work, "registry");
        var sent = Xml130Export.Write(direct, Path.Combine(work, "xml"), registry);
        var report = Xml130Converter.Convert(new Xml130Options([Path.Combine(work, "xml")], registry, Path.Combine(work, "converted")));

        Assert.True(sent > 1000, $"{sent} episodes");
        Assert.Equal((sent, 0L, 0L), (report.Kept, report.Rejected, report.Unmatched));
        using var db = new WarehouseDb(fixture.CopyDatabase());
        WarehouseFixture.Loader(db).Load(Path.Combine(work, "converted"));
        var a = Manifest.Read(direct).SnapshotId;
        var b = report.SnapshotId!;
        using var c = db.Open();
        var tables = c.Query<string>("""
            SELECT table_name FROM information_schema.columns
            WHERE column_name = 'snapshot_id' AND table_name LIKE 'mart_%' AND table_name <> 'mart_unit_kpi' GROUP BY 1 ORDER BY 1
            """).ToList();
        Assert.NotEmpty(tables);
        var differing = new List<string>();
        foreach (var t in tables)
        {
            var sql = $"""
                SELECT count(*) FROM (
                  (SELECT * EXCLUDE (snapshot_id) FROM {t} WHERE snapshot_id = $a EXCEPT ALL SELECT * EXCLUDE (snapshot_id) FROM {t} WHERE snapshot_id = $b)
                  UNION ALL
                  (SELECT * EXCLUDE (snapshot_id) FROM {t} WHERE snapshot_id = $b EXCEPT ALL SELECT * EXCLUDE (snapshot_id) FROM {t} WHERE snapshot_id = $a))
                """;
            var n = c.ExecuteScalar<long>(sql, new { a, b });
            if (n > 0) differing.Add($"{t}: {n}");
        }
        // Every mart_unit_kpi column but implausible_encounters: XML 130 has no height or waist, so the generator's
        // implausible encounter heights cannot travel. The NCD tables (ncd_person, ncd_cell) still differ: not yet
        // explained (docs/xml130.md, "Known gaps").
        var columns = c.Query<string>("SELECT column_name FROM information_schema.columns WHERE table_name = 'mart_unit_kpi' AND column_name NOT IN ('snapshot_id','level','unit_code','implausible_encounters')").ToList();
        foreach (var col in columns)
        {
            var n = c.ExecuteScalar<long>($"SELECT count(*) FROM mart_unit_kpi x JOIN mart_unit_kpi y USING (level, unit_code) WHERE x.snapshot_id = $a AND y.snapshot_id = $b AND x.{col} IS DISTINCT FROM y.{col}", new { a, b });
            if (n > 0) differing.Add($"kpi.{col}: {n}");
        }
        var coverage = c.ExecuteScalar<long>("SELECT count(*) FROM mart_unit_kpi x JOIN mart_unit_kpi y USING (level, unit_code) WHERE x.snapshot_id = $a AND y.snapshot_id = $b AND (x.records_linked, x.examined, x.managed) IS DISTINCT FROM (y.records_linked, y.examined, y.managed)", new { a, b });
        Assert.True(coverage == 0 && differing.Count == 0, string.Join("; ", differing));
    }
}
