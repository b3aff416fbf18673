using Dapper;
using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Tests.Loading;

/// <summary>Population CSVs against a real DuckDB file: 00004 and 00008 are 2025 communes of Hà Nội, 00001 a legacy one.</summary>
public sealed class PopulationLoaderTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("hssk-population-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    string Csv(string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void ARowWithAnExtraColumnRejectsTheFileNamingItsLine()
    {
        using var db = new WarehouseDb(Path.Combine(dir, "wh.duckdb"));
        PopulationLoader.Load(db, Csv("first.csv", "ward_code,year,population\n00004,2025,1000\n"));
        using var c = db.Open();
        string State() => c.QuerySingle<string>(
            "SELECT count(*) || '/' || sum(population) || '/' || string_agg(DISTINCT source, ',' ORDER BY source) FROM fact_population");
        var before = State();
        var shifted = Csv("shifted.csv", "ward_code,year,population\n00004,2025,2000\n00008,2025,3000,250\n");

        var e = Assert.Throws<SnapshotRejectedException>(() => PopulationLoader.Load(db, shifted));
        Assert.Equal(("shifted.csv", 3L), (e.File, e.Row));
        Assert.StartsWith("Từ chối nạp — tệp shifted.csv, dòng 3: dòng có 4 cột trong khi dòng tiêu đề có 3 cột.", e.Message);
        Assert.Contains("(row has 4 fields, header has 3)", e.Message);
        Assert.Equal(before, State());
        Assert.Equal(1000, c.QuerySingle<long>("SELECT population FROM fact_population WHERE ward_code = '00004' AND year = 2025"));
    }

    [Fact]
    public void CommandLineReportsEachCodeSystemAndYearApart()
    {
        var csv = Csv("population.csv", "ward_code,year,population\n00004,2025,1500\n00008,2025,2500\n00001,2024,1234\n");
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(Commands.Run(["population", csv, "--db", Path.Combine(dir, "cli.duckdb")], output, error) == 0, error.ToString());
        Assert.Equal("Đã nạp 3 dòng mẫu số dân số: hệ mã 2025, năm 2025: 2 đơn vị, 4.000 người; hệ mã cũ, năm 2024: 1 đơn vị, 1.234 người.",
            output.ToString().Trim());
    }
}
