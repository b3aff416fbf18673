using Dapper;
using DuckDB.NET.Data;
using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse.Lake;
using HoSoSucKhoe.Warehouse.Loading;

namespace HoSoSucKhoe.Tests.Cli;

/// <summary><c>export-lake</c> on a real warehouse file (issue 15 §4): every table read back from the hive-partitioned
/// Parquet equals the warehouse's rows exactly; names and phones never leave; every table of the warehouse is either
/// exported or listed as never exported; the manifest's checksums catch a changed file; a non-empty folder is refused
/// with nothing written.</summary>
[Collection("warehouse")]
public sealed class LakeExportTests(WarehouseFixture fixture)
{
    static (int Code, string Output, string Error) Run(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = Commands.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    static DuckDBConnection Attach(string file)
    {
        var c = new DuckDBConnection("Data Source=:memory:");
        c.Open();
        c.Execute($"ATTACH '{file}' AS f (READ_ONLY)");
        return c;
    }

    static string Scan(string lake, LakeTable t) =>
        $"read_parquet('{Path.Combine(lake, t.Name)}/**/*.parquet', hive_partitioning = {(t.PartitionedBy.Count > 0 ? "true" : "false")})";

    [Fact]
    public void EveryExportedTableReadsBackExactlyAndNoNameOrPhoneLeaves()
    {
        var source = fixture.CopyDatabase();
        var lake = Path.Combine(fixture.NewFolder("lake"), "province-20");
        var (code, output, error) = Run("export-lake", "--db", source, "--out", lake);
        Assert.True(code == 0, error);
        Assert.Contains("Đã xuất", output);

        var manifest = LakeExport.Verify(lake);
        Assert.Equal(LakeExport.Format, manifest.Format);
        Assert.Equal([fixture.Options.ProvinceCode], manifest.Provinces);
        using var c = Attach(source);
        Assert.Equal(c.ExecuteScalar<long>("SELECT count(*) FROM f.fact_snapshot"), manifest.Snapshots.Count);

        // Every table of the warehouse is classified: a table added later must be exported or excluded on purpose. The
        // stored facts (fact_record_rows, …) leave as each snapshot's copy, read through their views.
        var all = c.Query<string>("SELECT table_name FROM duckdb_tables() WHERE database_name = 'f'")
            .Except(FactHistory.Tables.Concat(FactHistory.Derived).Select(t => t + "_rows")).ToHashSet();
        var exported = manifest.Tables.Select(t => t.Name).ToHashSet();
        Assert.Empty(all.Except(exported).Except(LakeExport.NeverExported));
        Assert.Empty(exported.Intersect(LakeExport.NeverExported));
        Assert.DoesNotContain("person_identity", exported);

        foreach (var t in manifest.Tables)
        {
            var columns = c.Query<string>($"SELECT column_name FROM duckdb_columns() WHERE database_name = 'f' AND table_name = '{t.Name}' ORDER BY column_index").ToList();
            var list = string.Join(", ", columns.Select(n => '"' + n + '"'));
            var rows = c.ExecuteScalar<long>($"SELECT count(*) FROM f.{t.Name}");
            Assert.True(rows == t.Rows, $"{t.Name}: warehouse {rows} rows, manifest {t.Rows}");
            var missing = c.ExecuteScalar<long>($"SELECT count(*) FROM (SELECT {list} FROM f.{t.Name} EXCEPT ALL SELECT {list} FROM {Scan(lake, t)})");
            var extra = c.ExecuteScalar<long>($"SELECT count(*) FROM (SELECT {list} FROM {Scan(lake, t)} EXCEPT ALL SELECT {list} FROM f.{t.Name})");
            Assert.True(missing == 0 && extra == 0, $"{t.Name}: {missing} rows missing from the lake, {extra} rows not in the warehouse");
            if (t.PartitionedBy.Contains("snapshot") && rows > 0)
            {
                // The folder names are the rows' own keys: a reader filtering on them gets the right rows.
                var wrong = c.ExecuteScalar<long>($"SELECT count(*) FROM {Scan(lake, t)} l JOIN f.fact_snapshot s USING (snapshot_id) WHERE l.snapshot <> l.snapshot_id OR l.province <> s.province_code");
                Assert.Equal(0, wrong);
                Assert.All(t.Files, f => Assert.Matches(@"^[a-z_]+/province=\d{2}/snapshot=[^/]+/part_\d+\.parquet$", f.Path));
            }
            if (t.Kind == "reference") continue;
            Assert.DoesNotContain(columns, n => n is "full_name" or "phone" or "citizen_id" or "insurance_id");
            foreach (var text in c.Query<string>($"SELECT column_name FROM duckdb_columns() WHERE database_name = 'f' AND table_name = '{t.Name}' AND data_type = 'VARCHAR'"))
            {
                var leaked = c.ExecuteScalar<long>($"""
                    SELECT count(*) FROM {Scan(lake, t)} l
                    WHERE l."{text}" IN (SELECT full_name FROM f.person_identity WHERE full_name IS NOT NULL UNION SELECT phone FROM f.person_identity WHERE phone IS NOT NULL)
                    """);
                Assert.True(leaked == 0, $"{t.Name}.{text}: {leaked} values are a person's name or phone");
            }
        }
        Assert.Contains(manifest.Tables, t => t.Name == "fact_record" && t.Rows > 0);
        Assert.Contains(manifest.Tables, t => t.Name == "mart_unit_kpi" && t.Rows > 0);
        Assert.Contains(manifest.Tables, t => t.Name == "ncd_cell" && t.Rows > 0);
    }

    [Fact]
    public void AChangedFileIsCaughtByTheManifestAndABusyOrNonEmptyTargetIsRefused()
    {
        var source = fixture.CopyDatabase();
        var lake = Path.Combine(fixture.NewFolder("lake"), "l");
        Assert.Equal(0, Run("export-lake", "--db", source, "--out", lake).Code);
        var manifest = LakeExport.Verify(lake);
        var file = manifest.Tables.First(t => t.Name == "mart_unit_kpi").Files[0];
        var bytes = File.ReadAllBytes(Path.Combine(lake, file.Path));
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(Path.Combine(lake, file.Path), bytes);
        var changed = Assert.Throws<LakeException>(() => LakeExport.Verify(lake));
        Assert.Contains(file.Path, changed.Message);
        Assert.Contains("SHA-256", changed.Message);

        // The same folder again: refused, and what is there is left as it was.
        var before = Directory.EnumerateFiles(lake, "*", SearchOption.AllDirectories).Count();
        var (code, _, error) = Run("export-lake", "--db", source, "--out", lake);
        Assert.Equal(1, code);
        Assert.Contains("không trống", error);
        Assert.Equal(before, Directory.EnumerateFiles(lake, "*", SearchOption.AllDirectories).Count());

        var (missingCode, _, missingError) = Run("export-lake", "--db", source + ".none", "--out", lake + "-2");
        Assert.Equal(2, missingCode);
        Assert.Contains("--db", missingError);
        Assert.False(Directory.Exists(lake + "-2"));

        var noManifest = fixture.NewFolder("not-a-lake");
        Assert.Contains(LakeExport.ManifestName, Assert.Throws<LakeException>(() => LakeExport.Verify(noManifest)).Message);
    }
}
