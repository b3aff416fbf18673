using Dapper;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using Microsoft.Extensions.DependencyInjection;

namespace HoSoSucKhoe.Tests.Api;

/// <summary>Read paths do not write: what a read needs is built by the load, or once when the server opens the
/// warehouse (snapshots loaded before a step existed); after that, GET requests leave every table as it was.</summary>
[Collection("warehouse")]
public sealed class ReadPathTests(WarehouseFixture fixture) : IDisposable
{
    readonly ApiFactory api = new(fixture);

    public void Dispose() => api.Dispose();

    const string Counts = """
        SELECT (SELECT count(*) FROM ncd_done) || '/' || (SELECT count(*) FROM ncd_person) || '/' || (SELECT count(*) FROM ncd_cell)
               || '/' || (SELECT count(*) FROM mart_unit_kpi) || '/' || (SELECT count(*) FROM ncd_model)
               || '/' || (SELECT count(*) FROM ncd_risk_score) || '/' || (SELECT count(*) FROM fact_snapshot)
        """;

    [Fact]
    public async Task OpeningCatchesUpMissingMartsAndReadsWriteNothing()
    {
        using (var db = new WarehouseDb(api.DbPath))
        using (var c = db.Open())
        {
            // A warehouse whose NCD and KPI marts were never built (loaded by an older version).
            c.Execute("DELETE FROM ncd_done; DELETE FROM ncd_person_rows; DELETE FROM ncd_cell; DELETE FROM mart_unit_kpi;");
        }

        var warehouse = api.Services.GetRequiredService<WarehouseDb>();   // the server opens (and catches up) here
        string Read() { using var c = warehouse.Open(); return c.ExecuteScalar<string>(Counts)!; }
        var snapshots = long.Parse(Read().Split('/')[^1]);
        var opened = Read().Split('/');
        Assert.Equal(snapshots, long.Parse(opened[0]));            // every snapshot's case definitions rebuilt at open
        Assert.True(long.Parse(opened[3]) > 0);                      // and its KPI marts

        await api.Services.GetRequiredService<RiskModels>().Ready;  // the warm-up trains and scores in the background
        var before = Read();
        var client = api.As(ApiFactory.Admin);
        foreach (var url in new[]
                 {
                     $"/api/coverage/communes?parent={api.Province}", $"/api/coverage/units/{api.Province}/series",
                     "/api/ncd/cascade", "/api/ncd/prevalence", "/api/ncd/prevalence/series", "/api/ncd/comorbidity",
                     "/api/ncd/clusters", "/api/ncd/model", "/api/ncd/anchors", "/api/snapshots",
                 })
        {
            using var response = await client.GetAsync(url);
            Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode}");
        }
        using (var risk = await api.As(ApiFactory.OfficerA).GetAsync($"/api/ncd/linelists/risk?unit={api.CommuneA}"))
            Assert.True(risk.IsSuccessStatusCode, $"risk list: {(int)risk.StatusCode}");
        Assert.Equal(before, Read());
    }
}
