using Dapper;
using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Tests.Cli;

/// <summary><c>prune --db --keep n</c>: old snapshots leave every fact, mart and NCD table; the latest stay exactly as
/// they were; the audit log and population stay; bad parameters are refused naming them.</summary>
[Collection("warehouse")]
public sealed class PruneTests(WarehouseFixture fixture)
{
    static (int Code, string Output, string Error) Run(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = Commands.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void PruneKeepsTheLatestSnapshotOfEachProvinceAndRemovesTheRestEverywhere()
    {
        var path = fixture.CopyDatabase();
        List<(string Id, string Province)> before;
        string latestCoverage;
        long audit, population;
        string latest;
        using (var db = new WarehouseDb(path))
        {
            using var c = db.Open();
            before = c.Query<(string, string)>("SELECT snapshot_id, province_code FROM fact_snapshot ORDER BY as_of").ToList();
            latest = c.QuerySingle<string>($"SELECT snapshot_id FROM fact_snapshot WHERE province_code = '20' ORDER BY as_of DESC LIMIT 1");
            latestCoverage = System.Text.Json.JsonSerializer.Serialize(new CoverageQueries(db).Children(new CoverageRequest("20") { SnapshotId = latest }));
            audit = c.QuerySingle<long>("SELECT count(*) FROM ncd_audit");
            population = c.QuerySingle<long>("SELECT count(*) FROM fact_population");
        }
        Assert.True(before.Count(b => b.Province == "20") > 1);

        var (code, output, error) = Run("prune", "--db", path, "--keep", "1");
        Assert.True(code == 0, error);
        Assert.Contains("Đã xoá", output);

        using (var db = new WarehouseDb(path))
        {
            using var c = db.Open();
            var after = c.Query<(string, string)>("SELECT snapshot_id, province_code FROM fact_snapshot").ToList();
            Assert.Equal(before.Select(b => b.Province).Distinct().Order(), after.Select(a => a.Item2).Order());
            Assert.Contains(after, a => a.Item1 == latest);
            var removed = before.Select(b => b.Id).Except(after.Select(a => a.Item1)).ToList();
            Assert.NotEmpty(removed);
            foreach (var table in c.Query<string>("""
                SELECT table_name FROM information_schema.columns WHERE table_catalog = 'wh' AND column_name = 'snapshot_id'
                  AND table_name NOT IN ('ncd_audit', 'ncd_model', 'mail_send')
                """))
            {
                var left = c.QuerySingle<long>($"SELECT count(*) FROM \"{table}\" WHERE snapshot_id IN $ids", new { ids = removed.ToArray() });
                Assert.True(left == 0, $"{table}: {left} rows of pruned snapshots");
            }
            Assert.Equal(audit, c.QuerySingle<long>("SELECT count(*) FROM ncd_audit"));
            Assert.Equal(population, c.QuerySingle<long>("SELECT count(*) FROM fact_population"));
            Assert.Equal(latestCoverage, System.Text.Json.JsonSerializer.Serialize(new CoverageQueries(db).Children(new CoverageRequest("20") { SnapshotId = latest })));
        }
        // Nothing more to prune: said so, exit 0.
        var again = Run("prune", "--db", path, "--keep", "1");
        Assert.Equal(0, again.Code);
        Assert.Contains("Không có ảnh chụp nào cần xoá", again.Output);
    }

    [Theory]
    [InlineData("0", "--keep")]
    [InlineData("hai", "--keep")]
    public void BadKeepIsRefusedNamingTheParameter(string keep, string named)
    {
        var (code, _, error) = Run("prune", "--db", fixture.CopyDatabase(), "--keep", keep);
        Assert.Equal(2, code);
        Assert.Contains(named, error);
    }
}
