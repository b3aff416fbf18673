using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Tests.Marts;

public sealed class ProvinceBoundaryTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("hssk-boundary-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void AStrayRecordCodedToAnotherProvincesCommuneNeverBecomesThatCommunesFigure()
    {
        var hanoi = new TinySnapshot(persons: 60);
        hanoi.Rows["persons.arrow"][7]["ward_code"] = "25747"; // Phường Thủ Dầu Một, Hồ Chí Minh City
        using var db = new WarehouseDb(Path.Combine(dir, "wh.duckdb"));
        Pipeline.Loader(db, new Pseudonymiser("test-key-0123456789")).Load(hanoi.Write(Path.Combine(dir, "01")));
        var queries = new CoverageQueries(db);

        Assert.Throws<KpiNotFoundException>(() => queries.Series("25747"));
        var hanoiCommunes = queries.Children(new CoverageRequest("01"));
        Assert.DoesNotContain(hanoiCommunes.Rows, r => r.Code == "25747");
        Assert.Equal(59, hanoiCommunes.Total.RecordsLinked);
    }
}
