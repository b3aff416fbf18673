using System.Net;
using System.Text.Json;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Snapshots;
using HoSoSucKhoe.Warehouse.Xml130;

namespace HoSoSucKhoe.Tests.Xml130;

/// <summary>
/// A converted snapshot loaded into a real DuckDB file (after-load step included) and read back through the server:
/// the unrecorded-visitors endpoint serves exactly the converter's per-commune counts, in the caller's scope.
/// </summary>
[Collection("warehouse")]
public sealed class VisitorsEndpointTests(WarehouseFixture fixture)
{
    [Fact]
    public async Task UnrecordedVisitorsEndpointServesTheConvertersCountsAfterTheLoad()
    {
        using var factory = new ApiFactory(fixture);
        var direct = fixture.SnapshotFolders[^1];
        var work = fixture.NewFolder("xml130-visitors");
        var known = Manifest.Read(direct);
        var (a, b) = (factory.CommuneA, factory.CommuneB);
        // Visitors without a record: two people in A (one seen twice, at two facilities), one in B, one whose commune
        // code exists in no code system; and one person of the register, who is matched, not counted.
        var citizen = FirstCitizen(direct);
        new Envelope(facility: "20001", created: "20250925")
            .Add(("XML1", Envelope.Xml1("20001-V1", visit: "202509101000", citizen: "020999000001", name: "Hoàng Văn Khách", commune: a, facility: "20001")))
            .Add(("XML1", Envelope.Xml1("20001-V2", visit: "202509111000", citizen: "020999000002", name: "Lò Thị Mới", commune: a, facility: "20001")))
            .Add(("XML1", Envelope.Xml1("20001-V3", visit: "202509121000", citizen: "020999000003", name: "Vi Văn Xa", commune: b, facility: "20001")))
            .Add(("XML1", Envelope.Xml1("20001-V4", visit: "202509131000", citizen: "020999000004", name: "Nông Thị Lạ", commune: "99999", facility: "20001")))
            .Add(("XML1", Envelope.Xml1("20001-M1", visit: "202509141000", citizen: citizen, facility: "20001")))
            .Write(Path.Combine(work, "a.xml"));
        new Envelope(facility: "20002", created: "20250926")
            .Add(("XML1", Envelope.Xml1("20002-V1b", visit: "202509201000", citizen: "020999000001", name: "Hoàng Văn Khách", commune: a, facility: "20002")))
            .Write(Path.Combine(work, "b.xml"));
        var converted = Path.Combine(work, "converted");
        var report = Xml130Converter.Convert(new Xml130Options([work], direct, converted));
        Assert.Equal((6L, 1L, 5L), (report.Kept, report.Matched, report.Unmatched));
        Assert.Equal([(a, 2L, 3L), (b, 1L, 1L), (null, 1L, 1L)],
            report.UnrecordedVisitors.Select(v => (v.WardCode, v.People, v.Episodes)).ToArray());

        using (var db = new WarehouseDb(factory.DbPath))
            Assert.Equal(LoadOutcome.Loaded, WarehouseFixture.Loader(db).Load(converted).Outcome);

        var sid = report.SnapshotId!;
        var province = await factory.As(ApiFactory.Leadership).JsonAsync($"/api/coverage/units/{known.ProvinceCode}/unrecorded-visitors?snapshot={sid}");
        Assert.Equal(sid, province.GetProperty("snapshot").GetProperty("snapshotId").GetString());
        Assert.Equal((4L, 5L), (province.GetProperty("people").GetInt64(), province.GetProperty("episodes").GetInt64()));
        Assert.Equal(report.UnrecordedVisitors.Select(v => (v.WardCode, v.WardName, v.People, v.Episodes)).ToArray(), Communes(province));
        Assert.False(string.IsNullOrEmpty(report.UnrecordedVisitors[0].WardName));

        // A commune officer sees their commune only, and not the province.
        var commune = await factory.As(ApiFactory.OfficerA).JsonAsync($"/api/coverage/units/{a}/unrecorded-visitors?snapshot={sid}");
        Assert.Equal([(a, report.UnrecordedVisitors[0].WardName, 2L, 3L)], Communes(commune));
        using var refused = await factory.As(ApiFactory.OfficerA).GetAsync($"/api/coverage/units/{known.ProvinceCode}/unrecorded-visitors?snapshot={sid}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        // The direct snapshot came from HSSK, not from XML 130: no visitors to report.
        var none = await factory.As(ApiFactory.Leadership).JsonAsync($"/api/coverage/units/{known.ProvinceCode}/unrecorded-visitors?snapshot={known.SnapshotId}");
        Assert.Empty(Communes(none));
    }

    static (string?, string?, long, long)[] Communes(JsonElement report) =>
        report.GetProperty("communes").EnumerateArray().Select(c => (
            c.GetProperty("wardCode").GetString(), c.GetProperty("wardName").GetString(),
            c.GetProperty("people").GetInt64(), c.GetProperty("episodes").GetInt64())).ToArray();

    static string FirstCitizen(string snapshot) =>
        ConversionTests.Rows(snapshot, SnapshotContract.Persons.Name).Select(r => r["citizen_id"] as string).First(c => c is not null)!;
}
