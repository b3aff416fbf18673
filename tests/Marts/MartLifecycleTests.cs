using System.Text.Json.Nodes;
using Dapper;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Tests.Marts;

/// <summary>When marts change: population loads (every snapshot's denominators rebuilt), failed loads, rebuilds.</summary>
[Collection("warehouse")]
public sealed class MartLifecycleTests(WarehouseFixture fixture)
{
    readonly IReadOnlyList<TruthSnapshot> snapshots = TruthSnapshot.All(fixture.Truth);

    /// <summary>A fingerprint of every mart row, to prove that nothing changed.</summary>
    static string MartFingerprint(WarehouseDb db)
    {
        using var c = db.Open();
        // Bridged figures are sums of doubles in no fixed order: compared at 6 decimals.
        return string.Join("|", new[]
        {
            "SELECT * FROM mart_unit_kpi",
            "SELECT * FROM mart_unit_agesex",
            "SELECT snapshot_id, level, unit_code, round(records_linked, 6), round(examined, 6), round(managed, 6), old_communes, approximate, " +
                "round(permanent_records, 6), round(permanent_updated, 6) FROM mart_bridged_kpi",
        }.Select(q => c.QuerySingle<(long, string)>($"SELECT count(*), coalesce(sum(hash(t))::VARCHAR, '') FROM ({q}) t").ToString()));
    }

    static string DenominatorFingerprint(WarehouseDb db)
    {
        using var c = db.Open();
        return string.Join("|", new[]
        {
            "SELECT * FROM mart_unit_denominator",
            "SELECT snapshot_id, level, unit_code, round(population, 6), fell_back, round(permanent_population, 6) FROM mart_bridged_denominator",
        }.Select(q => c.QuerySingle<(long, string)>($"SELECT count(*), coalesce(sum(hash(t))::VARCHAR, '') FROM ({q}) t").ToString()));
    }

    /// <summary>The fixture loads its population before its snapshots (each snapshot's denominators built in its load);
    /// the same population loaded again after them rebuilds every snapshot's at once: the same rows, and rows for
    /// every unit of every snapshot, bridged ones included.</summary>
    [Fact]
    public void DenominatorsBuiltWithEachSnapshotEqualThoseAPopulationLoadRebuildsForAll()
    {
        using var db = new WarehouseDb(fixture.CopyDatabase());
        var before = DenominatorFingerprint(db);
        using (var c = db.Open())
        {
            Assert.Equal(0L, c.ExecuteScalar<long>("""
                SELECT count(*) FROM mart_unit_kpi k
                WHERE NOT EXISTS (SELECT 1 FROM mart_unit_denominator d WHERE d.snapshot_id = k.snapshot_id AND d.level = k.level AND d.unit_code = k.unit_code)
                  AND EXISTS (SELECT 1 FROM fact_population f WHERE f.code_system = k.code_system)
                  AND k.level = 'province'
                """));
            Assert.True(c.ExecuteScalar<long>("SELECT count(*) FROM mart_bridged_denominator") > 0);
        }
        PopulationLoader.Load(db, fixture.PopulationCsv);
        Assert.Equal(before, DenominatorFingerprint(db));
    }

    [Fact]
    public void PopulationReloadChangesCoverageWithoutReloadingSnapshots()
    {
        using var db = new WarehouseDb(fixture.CopyDatabase());
        var queries = new CoverageQueries(db);
        var province = fixture.Options.ProvinceCode;
        var before = queries.Children(new CoverageRequest(province));
        var commune = before.Rows.First(r => r.Population is not null && r.Managed > 10);
        var marts = MartFingerprint(db);

        var csv = Path.Combine(fixture.NewFolder("population"), "population-update.csv");
        File.WriteAllText(csv, $"ward_code,year,population\n{commune.Code},2025,{commune.Managed / 2}\n");
        PopulationLoader.Load(db, csv);

        var after = queries.Children(new CoverageRequest(province));
        var row = after.Rows.Single(r => r.Code == commune.Code);
        Assert.Equal(commune.Managed / 2, row.Population);
        Assert.Equal(Math.Round(row.Managed * 100m / row.Population!.Value, 2, MidpointRounding.AwayFromZero), row.CoveragePct);
        Assert.True(row.Over100);
        Assert.Equal(before.Total.Population - commune.Population + commune.Managed / 2, after.Total.Population);
        static string Json(object o) => System.Text.Json.JsonSerializer.Serialize(o);
        Assert.Equal(Json(before.Rows.Where(r => r.Code != commune.Code)), Json(after.Rows.Where(r => r.Code != commune.Code)));
        Assert.Equal(marts, MartFingerprint(db));
    }

    [Fact]
    public void DenominatorFallsBackToTheLatestEarlierYearOfTheSameCodeSystem()
    {
        using var db = new WarehouseDb(fixture.CopyDatabase());
        var queries = new CoverageQueries(db);
        var legacy = snapshots.First(s => s.Legacy);
        var commune = legacy.Communes.First(c => TruthSnapshot.Population(c.Counts) is not null).Code;
        // A 2023 row does not change a 2025 (as_of) legacy snapshot that falls back to 2024; a 2025 row of the
        // 2025 code system never applies to legacy codes.
        var csv = Path.Combine(fixture.NewFolder("population"), "older.csv");
        File.WriteAllText(csv, $"ward_code,year,population\n{commune},2023,1\n");
        PopulationLoader.Load(db, csv);
        var row = queries.Children(new CoverageRequest(legacy.ProvinceCode) { SnapshotId = legacy.SnapshotId })
            .Rows.Single(r => r.Code == commune);
        Assert.Equal(TruthSnapshot.Population(legacy.Communes.Single(c => c.Code == commune).Counts), row.Population);
    }

    [Fact]
    public void FailedLoadLeavesMartsUnchanged()
    {
        using var db = new WarehouseDb(fixture.CopyDatabase());
        var before = MartFingerprint(db);

        // The latest snapshot under a new id: the marts step runs (and writes) before a later step fails.
        var source = fixture.SnapshotFolders[^1];
        var folder = fixture.NewFolder("failing");
        foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")))!;
        manifest["snapshot_id"] = "failing-snapshot";
        File.WriteAllText(Path.Combine(folder, "manifest.json"), manifest.ToJsonString());

        var wrote = false;
        var loader = new SnapshotLoader(db, new Pseudonymiser(WarehouseFixture.Key),
        [
            KpiMarts.Build,
            (c, m) =>
            {
                wrote = c.ExecuteScalar<long>("SELECT count(*) FROM wh.main.mart_unit_kpi WHERE snapshot_id = $sid", new { sid = m.SnapshotId }) > 0;
                throw new InvalidOperationException("a later after-load step fails");
            },
        ]);
        Assert.Throws<InvalidOperationException>(() => loader.Load(folder));
        Assert.True(wrote);
        Assert.Equal(before, MartFingerprint(db));
        using var c = db.Open();
        Assert.Equal(0, c.ExecuteScalar<long>("SELECT count(*) FROM fact_snapshot WHERE snapshot_id = 'failing-snapshot'"));

        // The same folder with a working loader builds its marts with the load.
        WarehouseFixture.Loader(db).Load(folder);
        Assert.Equal(
            c.ExecuteScalar<long>("SELECT managed FROM mart_unit_kpi WHERE snapshot_id = $sid AND level = 'province'", new { sid = snapshots[^1].SnapshotId }),
            c.ExecuteScalar<long>("SELECT managed FROM mart_unit_kpi WHERE snapshot_id = 'failing-snapshot' AND level = 'province'"));
    }

    [Fact]
    public void RebuildReproducesTheMartsAndBuildMissingFillsAWarehouseLoadedWithoutThem()
    {
        using var db = new WarehouseDb(fixture.CopyDatabase());
        var before = MartFingerprint(db);
        var sid = snapshots[0].SnapshotId;
        var seconds = KpiMarts.Rebuild(db, sid);
        Assert.InRange(seconds, 0, 30);
        Assert.Equal(before, MartFingerprint(db));
        Assert.Throws<KpiNotFoundException>(() => KpiMarts.Rebuild(db, "no-such-snapshot"));

        using (var c = db.Open())
            c.Execute("DELETE FROM mart_unit_kpi WHERE snapshot_id = $sid; DELETE FROM mart_unit_agesex WHERE snapshot_id = $sid; " +
                      "DELETE FROM mart_bridged_kpi WHERE snapshot_id = $sid", new { sid });
        Assert.Equal([sid], KpiMarts.BuildMissing(db));
        Assert.Equal(before, MartFingerprint(db));
        Assert.Empty(KpiMarts.BuildMissing(db));
    }
}
