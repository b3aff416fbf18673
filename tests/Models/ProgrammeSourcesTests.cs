using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Tests.Models;

/// <summary>Which snapshots feed a programme trend: in a warehouse holding several provinces (a national warehouse, or
/// a province that merged), a 2025 province reads legacy months only from the provinces that merged into it.</summary>
public class ProgrammeSourcesTests
{
    static LoadedSnapshot S(string province, string asOf, string system) =>
        new($"{province}-{asOf}", province, DateOnly.Parse(asOf), system);

    [Fact]
    public void A2025ProvinceReadsLegacyMonthsOnlyFromTheProvincesThatMergedIntoIt()
    {
        var latest = S("79", "2025-09-30", ReferenceData.System2025);
        var sources = new[]
        {
            S("79", "2025-04-30", ReferenceData.SystemLegacy),  // Hồ Chí Minh City before the reform
            S("74", "2025-05-31", ReferenceData.SystemLegacy),  // Bình Dương, merged into 79
            S("20", "2025-06-30", ReferenceData.SystemLegacy),  // Lạng Sơn: another province
            S("20", "2025-08-31", ReferenceData.System2025),    // another 2025 province
            S("79", "2025-08-31", ReferenceData.System2025),
            latest,
        };
        var used = ProgrammeQueries.Sources(latest, sources).Select(s => s.SnapshotId).ToList();
        Assert.Equal(["79-2025-04-30", "74-2025-05-31", "79-2025-08-31"], used);

        var langSon = S("20", "2025-09-30", ReferenceData.System2025);
        Assert.Equal(["20-2025-06-30", "20-2025-08-31"], ProgrammeQueries.Sources(langSon, [.. sources, langSon]).Select(s => s.SnapshotId));
    }
}
