using Dapper;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Synthetic;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Backup;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Tests.Loading;

/// <summary>
/// History stored once (issue 15 §1): twelve monthly snapshots of one generated province (legacy codes before the
/// July 2025 reform, 2025 codes after) loaded into two warehouses, one storing each snapshot's full copy (the way it was)
/// and one sharing the rows a snapshot repeats (<see cref="FactHistory"/>): every fact as read, every mart and NCD
/// table, row for row, are the same; the shared store is smaller. Then a <c>--replace</c> of an old snapshot, a prune
/// and a failed load, done to both, keep them the same.
/// </summary>
public sealed class HistoryTests : IDisposable
{
    static readonly HashSet<string> Times = ["loaded_at", "load_seconds", "computed_at", "seconds", "trained_at", "train_seconds"];

    readonly string root = Path.Combine(Path.GetTempPath(), "hssk-history-" + Guid.NewGuid().ToString("N")[..8]);
    readonly IReadOnlyList<string> folders;
    readonly string population;

    public HistoryTests()
    {
        var options = WarehouseFixture.Template with
        {
            Scale = 0.004, From = new DateOnly(2024, 10, 1), To = new DateOnly(2025, 9, 1), OutDir = Path.Combine(root, "snapshots"),
        };
        folders = SyntheticProvince.Generate(options);
        population = Path.Combine(options.OutDir, "population.csv");
    }

    WarehouseDb Build(string name, bool share)
    {
        var db = new WarehouseDb(Path.Combine(root, name + ".duckdb"));
        PopulationLoader.Load(db, population);
        Loader(db, share).LoadAll(folders, replace: false);
        return db;
    }

    static SnapshotLoader Loader(WarehouseDb db, bool share) =>
        new(db, new Pseudonymiser(WarehouseFixture.Key), Pipeline.AfterLoadSteps) { ShareHistory = share };

    /// <summary>Every table and fact view as read (not the stored *_rows): row count and an order-independent hash,
    /// load and compute times left out, and floating-point values to 9 significant digits (a weighted sum's last bit
    /// follows the order DuckDB adds in, which differs between two loads of the same files either way).</summary>
    static IReadOnlyList<TableFingerprint> AsRead(WarehouseDb db)
    {
        using var c = db.Open();
        var columns = c.Query<(string Table, string Column, string Type)>("""
            SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_catalog = 'wh' AND table_schema = 'main' AND table_name NOT LIKE '%\_rows' ESCAPE '\'
            ORDER BY table_name, ordinal_position
            """).Where(x => !Times.Contains(x.Column)).ToList();
        return [.. columns.GroupBy(x => x.Table).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var values = string.Join(", ", g.Select(x => x.Type is "DOUBLE" or "FLOAT"
                ? $"CASE WHEN \"{x.Column}\" = 0 THEN 0 ELSE round(\"{x.Column}\" / 10 ^ floor(log10(abs(\"{x.Column}\"))), 8) END"
                : $"\"{x.Column}\""));
            var where = g.Key == "wh_meta" ? " WHERE key <> 'population_loaded_at'" : "";
            var (rows, hash) = c.QuerySingle<(long, string)>(
                $"SELECT count(*)::BIGINT, coalesce(sum(hash({values})::HUGEINT), 0)::VARCHAR FROM \"{g.Key}\"{where}");
            return new TableFingerprint(g.Key, rows, hash);
        })];
    }

    static long StoredRows(WarehouseDb db, IEnumerable<string>? tables = null)
    {
        using var c = db.Open();
        return (tables ?? FactHistory.Tables.Concat(FactHistory.Derived)).Sum(t => c.ExecuteScalar<long>($"SELECT count(*) FROM {t}_rows"));
    }

    static long RowsAsRead(WarehouseDb db, IEnumerable<string>? tables = null)
    {
        using var c = db.Open();
        return (tables ?? FactHistory.Tables.Concat(FactHistory.Derived)).Sum(t => c.ExecuteScalar<long>($"SELECT count(*) FROM {t}"));
    }

    static void AssertSame(WarehouseDb copies, WarehouseDb shared)
    {
        var expected = AsRead(copies);
        Assert.Contains(expected, t => t.Table == "fact_encounter" && t.Rows > 0);
        Assert.Contains(expected, t => t.Table == "ncd_cell" && t.Rows > 0);
        Assert.Contains(expected, t => t.Table == "mart_unit_kpi" && t.Rows > 0);
        Assert.Empty(WarehouseFingerprint.Differences(expected, AsRead(shared)));
    }

    [Fact]
    public void TwelveSnapshotsGiveTheSameFactsAndMartsBothWaysAndSharedStoresLess()
    {
        Assert.Equal(12, folders.Count);
        using var copies = Build("copies", share: false);
        using var shared = Build("shared", share: true);
        AssertSame(copies, shared);

        // Full copies store every fact row as read (the derived ncd_person is shared either way); the shared store holds
        // each unchanged row once.
        Assert.Equal(RowsAsRead(copies, FactHistory.Tables), StoredRows(copies, FactHistory.Tables));
        Assert.Equal(RowsAsRead(copies), RowsAsRead(shared));
        Assert.True(StoredRows(shared) * 3 < StoredRows(copies), $"{StoredRows(shared)} stored vs {StoredRows(copies)} as full copies");
        using (var c = shared.Open())
            Assert.True(c.ExecuteScalar<long>("SELECT count(*) FROM ncd_person_rows") * 2 < c.ExecuteScalar<long>("SELECT count(*) FROM ncd_person"));

        // A snapshot's facts and case definitions equal those of the snapshot loaded alone into an empty warehouse.
        using var alone = new WarehouseDb(Path.Combine(root, "alone.duckdb"));
        PopulationLoader.Load(alone, population);
        Loader(alone, share: true).Load(folders[6]);
        var sid = Path.GetFileName(folders[6]);
        using (var a = alone.Open())
        using (var s = shared.Open())
            foreach (var t in FactHistory.Tables.Concat(FactHistory.Derived))
            {
                var query = $"SELECT count(*)::VARCHAR || ':' || coalesce(sum(hash(x)::HUGEINT), 0)::VARCHAR FROM (SELECT * EXCLUDE (snapshot_id) FROM {t} WHERE snapshot_id = $sid) x";
                Assert.Equal(a.ExecuteScalar<string>(query, new { sid }), s.ExecuteScalar<string>(query, new { sid }));
            }
    }

    [Fact]
    public void ReplacePruneAndAFailedLoadKeepBothWaysTheSame()
    {
        using var copies = Build("copies", share: false);
        using var shared = Build("shared", share: true);

        // --replace of an old snapshot (the same files: removed and appended again after the latest)
        foreach (var db in new[] { copies, shared })
        {
            using (var c = db.Open()) c.Execute("UPDATE fact_snapshot SET checksums = 'changed' WHERE snapshot_id = $sid", new { sid = Path.GetFileName(folders[3]) });
            Assert.Equal(LoadOutcome.Replaced, Loader(db, db == shared).Load(folders[3], replace: true).Outcome);
        }
        AssertSame(copies, shared);

        // a load that fails in its commit (an after-load step throws) leaves the warehouse as it was
        foreach (var db in new[] { copies, shared })
            using (var c = db.Open()) c.Execute("UPDATE fact_snapshot SET checksums = 'changed' WHERE snapshot_id = $sid", new { sid = Path.GetFileName(folders[11]) });
        var before = AsRead(shared);
        var failing = new SnapshotLoader(shared, new Pseudonymiser(WarehouseFixture.Key),
            [.. Pipeline.AfterLoadSteps, (_, _) => throw new InvalidOperationException("after-load failure")]);
        Assert.Throws<InvalidOperationException>(() => failing.Load(folders[11], replace: true));
        Assert.Empty(WarehouseFingerprint.Differences(before, AsRead(shared)));
        AssertSame(copies, shared);

        // prune to the latest 5, then load an older snapshot again: still the same both ways
        foreach (var db in new[] { copies, shared }) SnapshotPruner.Prune(db, keep: 5);
        AssertSame(copies, shared);
        foreach (var db in new[] { copies, shared }) Loader(db, db == shared).Load(folders[0]);
        AssertSame(copies, shared);

        // every snapshot's case definitions recomputed (in date order, so mostly in the middle of the load order:
        // the shared ncd_person ranges are split around each): every table as before, both ways
        var computed = AsRead(shared);
        foreach (var db in new[] { copies, shared })
        {
            using (var c = db.Open()) c.Execute("DELETE FROM ncd_done");
            Assert.Equal(6, NcdMarts.EnsureComputed(db));
        }
        Assert.Empty(WarehouseFingerprint.Differences(computed, AsRead(shared)));
        AssertSame(copies, shared);
    }

    /// <summary>A warehouse written when <c>fact_record_rows</c> held the record's three keys in every version (before
    /// they were kept apart in <c>record_key_rows</c>) is migrated on opening: every table as read the same, and the keys
    /// stored once per record again (a record's consecutive versions merged, across the gap a <c>--replace</c> leaves in
    /// the seqs).</summary>
    [Fact]
    public void AWarehouseWithTheKeysInEveryVersionIsMigratedOnOpening()
    {
        var path = Path.Combine(root, "keyed.duckdb");
        IReadOnlyList<TableFingerprint> expected;
        long keyRows;
        using (var db = new WarehouseDb(path))
        {
            PopulationLoader.Load(db, population);
            Loader(db, share: true).LoadAll(folders.Take(6).ToList(), replace: false);
            using (var c = db.Open()) c.Execute("UPDATE fact_snapshot SET checksums = 'changed' WHERE snapshot_id = $sid", new { sid = Path.GetFileName(folders[2]) });
            Loader(db, share: true).Load(folders[2], replace: true);
            expected = AsRead(db);
            using var k = db.Open();
            keyRows = k.ExecuteScalar<long>("SELECT count(*) FROM record_key_rows");
            Assert.True(k.ExecuteScalar<long>("SELECT count(*) FROM fact_record_rows") > keyRows);
            // the layout of before: the keys in every version, between record_id and citizen_id_kind, name_key before dq_flags
            var cols = k.Query<string>("""
                SELECT column_name FROM information_schema.columns WHERE table_name = 'fact_record_rows' ORDER BY ordinal_position
                """).ToList();
            var select = string.Join(", ", cols.Where(x => x != "has_name").SelectMany(x => x switch
            {
                "record_id" => new[] { "r.record_id", "k.citizen_key", "k.insurance_key" },
                "dq_flags" => ["k.name_key", "r.dq_flags"],
                _ => ["r." + x],
            }));
            k.Execute($"""
                CREATE TABLE keyed AS SELECT {select} FROM fact_record_rows r JOIN record_key_rows k
                    ON k.province_code = r.province_code AND k.record_id = r.record_id
                   AND k.seq_from <= r.seq_from AND r.seq_from <= coalesce(k.seq_to, 2147483647);
                DROP TABLE fact_record_rows; DROP TABLE record_key_rows; DROP VIEW record_key;
                ALTER TABLE keyed RENAME TO fact_record_rows;
                """);
        }
        using (var db = new WarehouseDb(path))
        {
            Assert.Empty(WarehouseFingerprint.Differences(expected, AsRead(db)));
            using var c = db.Open();
            Assert.Equal(keyRows, c.ExecuteScalar<long>("SELECT count(*) FROM record_key_rows"));
            Assert.Equal(0, c.ExecuteScalar<long>("SELECT count(*) FROM information_schema.tables WHERE table_name = 'fact_record_rows_keyed'"));
            // and it loads on: the next snapshot shares the migrated rows
            Loader(db, share: true).Load(folders[6]);
            Assert.Equal(6, c.ExecuteScalar<long>("SELECT count(DISTINCT snapshot_id) FROM record_key WHERE snapshot_id <> $sid", new { sid = Path.GetFileName(folders[6]) }));
        }
    }

    /// <summary>Issue 15 §2: a snapshot staged in the scratch file beside the warehouse (what a snapshot larger than half
    /// the memory budget gets) gives every table exactly what in-memory staging gives, under a small budget; the
    /// scratch file is gone after a load and after a failed one, and a budget DuckDB cannot read is refused by name.</summary>
    [Fact]
    public void StagingOnDiskUnderASmallBudgetGivesTheSameWarehouse()
    {
        var few = folders.Take(3).ToList();
        using var memory = new WarehouseDb(Path.Combine(root, "memory.duckdb"));
        using var disk = new WarehouseDb(Path.Combine(root, "disk.duckdb"), "256MB");
        Assert.InRange(disk.MemoryBudgetBytes, 255_000_000, 257_000_000); // DuckDB reads it back as "244.1 MiB"
        foreach (var db in new[] { memory, disk }) PopulationLoader.Load(db, population);
        Loader(memory, share: true).LoadAll(few, replace: false);
        var onDisk = new SnapshotLoader(disk, new Pseudonymiser(WarehouseFixture.Key), Pipeline.AfterLoadSteps) { StageOnDiskAbove = 0 };
        onDisk.LoadAll(few, replace: false);
        AssertSame(memory, disk);
        Assert.False(File.Exists(disk.Path + ".staging"));

        // a damaged file: refused, warehouse as it was, no scratch file left
        var damaged = Path.Combine(root, "damaged");
        Directory.CreateDirectory(damaged);
        foreach (var f in Directory.GetFiles(folders[3])) File.Copy(f, Path.Combine(damaged, Path.GetFileName(f)));
        var labs = Path.Combine(damaged, "labs.arrow");
        var bytes = File.ReadAllBytes(labs);
        File.WriteAllBytes(labs, bytes[..(bytes.Length / 2)]);
        // with its checksum updated, so that the load gets as far as staging it
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(damaged, "manifest.json")))!;
        manifest["files"]!["labs.arrow"]!["sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes[..(bytes.Length / 2)]));
        File.WriteAllText(Path.Combine(damaged, "manifest.json"), manifest.ToJsonString());
        var before = AsRead(disk);
        var e = Assert.Throws<SnapshotRejectedException>(() => onDisk.Load(damaged));
        Assert.Contains("labs.arrow", e.Message);
        Assert.Empty(WarehouseFingerprint.Differences(before, AsRead(disk)));
        Assert.False(File.Exists(disk.Path + ".staging"));

        var bad = Assert.Throws<MemoryBudgetException>(() => new WarehouseDb(Path.Combine(root, "bad.duckdb"), "lots"));
        Assert.Contains("'lots'", bad.Message);
        Assert.Contains("--memory-budget", bad.Message);
    }

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }
}
