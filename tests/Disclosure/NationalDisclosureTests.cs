using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Tests.Disclosure;

/// <summary>The national table (issue 15 §4) cannot be differenced against the provinces' own published rows: a count a
/// province hides stays hidden there, and the national count is hidden where it would give it back, while no province
/// count its own views publish is hidden (or shown) differently.</summary>
public sealed class NationalDisclosureTests
{
    /// <summary>A province of two communes whose cells are all large except, in province "01", diabetes-raised men
    /// aged 80+: 2 in commune 00001 (the only such men of the province), so hidden there, and the province count with it.</summary>
    static NcdData Province(string code, int raisedOldMen)
    {
        var s = new LoadedSnapshot($"{code}-2025-09-30", code, new DateOnly(2025, 9, 30), ReferenceData.System2025);
        var cells = new List<Cell>();
        foreach (var ward in new[] { code + "001", code + "002" })
        foreach (var sex in new[] { 1, 2 })
        foreach (var band in AgeStandard.Bands)
        {
            var old = sex == 1 && band == 80;
            var raised = old ? (ward.EndsWith('1') ? raisedOldMen : 0) : 40;
            cells.Add(new Cell
            {
                SnapshotId = s.SnapshotId, WardCode = ward, Sex = sex, BandLo = band, Adults = 500, HtnScreened = 300, HtnRaised = 60,
                HtnHypertensive = 120, HtnDiagnosed = 90, HtnTreated = 70, HtnControlled = 30, HtnScreenedHypertensive = 100,
                DmScreened = 200, DmRaised = raised, DmHyperglycaemic = 50 + raised, DmDiagnosed = 45, DmTreated = 35, DmControlled = 15,
                DmScreenedHyperglycaemic = 50 + raised, BmiKnown = 250, Obese = 60, ProgPatients = 40, ProgControlled = 10,
                ProgUncontrolled = 10, ProgMissedVisit = 10, ProgNoBp = 10,
            });
        }
        return new NcdData(s, cells, "Tỉnh " + code, new Dictionary<string, string> { [code + "001"] = "Xã 1", [code + "002"] = "Xã 2" });
    }

    [Fact]
    public void A_count_hidden_by_its_province_is_not_given_back_by_the_national_total()
    {
        var small = Province("01", 2);
        var others = new[] { Province("02", 30), Province("03", 30) };
        var key = new NcdKey("dm_raised", "01", "male", "80+");
        Assert.True(small.Suppression.Pattern.Hides(key));           // the province hides its own count…
        var nation = NationalNcd.Pool([small, .. others]);
        Assert.True(nation.Suppression.Pattern.Hides(key));          // …so does the national table,
        Assert.True(nation.Suppression.Hides("dm_raised", NationalNcd.Code, "male", "80+"));   // and the national count with it,
        foreach (var p in others)                                    // never the other provinces' counts, public in their views.
            Assert.False(nation.Suppression.Hides("dm_raised", p.Snapshot.ProvinceCode, "male", "80+"));
        // all = male + female at national level: with the male count hidden the national "all" count must not give it back.
        Assert.True(nation.Suppression.Hides("dm_raised", NationalNcd.Code, "female", "80+") || nation.Suppression.Hides("dm_raised", NationalNcd.Code, "all", "80+"));

        // Every province key keeps its own pattern's state.
        foreach (var p in (NcdData[])[small, .. others])
            foreach (var (k, _) in p.Suppression.Cells.Where(kv => kv.Key.Unit == p.Snapshot.ProvinceCode))
                Assert.Equal(p.Suppression.Pattern.Hides(k), nation.Suppression.Pattern.Hides(k));

        // As served: the national row of men 80+ shows no count, no rate; the 18+ standardised rate of men (weighing the
        // hidden band) is hidden too; the other provinces' rows are shown.
        var dm = Measure.Find("dm_raised")!;
        var band = NationalNcd.Prevalence(nation, dm, "male", AgeStandard.Group("80+"), Audience.Public);
        Assert.True(band[0].Suppressed);
        Assert.Null(band[0].Cases);
        Assert.Null(band[0].Crude);
        Assert.Equal(Levels.Nation, band[0].Level);
        Assert.All(band.Where(r => r.UnitCode != "01" && r.UnitCode != NationalNcd.Code), r => Assert.False(r.Suppressed));
        var adults = NationalNcd.Prevalence(nation, dm, "male", AgeStandard.Group("18+"), Audience.Public)[0];
        Assert.Null(adults.Standardised);
        Assert.Null(adults.Smoothed);
    }

    [Fact]
    public void Without_a_hidden_province_count_the_national_table_hides_nothing_more()
    {
        var provinces = new[] { Province("01", 30), Province("02", 30), Province("03", 30) };
        var nation = NationalNcd.Pool(provinces);
        Assert.Empty(nation.Suppression.Pattern.Hidden);
        var rows = NationalNcd.Prevalence(nation, Measure.Find("dm_raised")!, "all", AgeStandard.Group("18+"), Audience.Public);
        Assert.Equal([NationalNcd.Code, "01", "02", "03"], rows.Select(r => r.UnitCode));
        Assert.Equal(provinces.Sum(p => p.Cells.Sum(c => c.DmRaised)), rows[0].Cases);
        Assert.All(rows.Skip(1), r => Assert.Equal((Levels.Province, r.UnitCode + "-2025-09-30"), (r.Level, r.SnapshotId)));
        Assert.All(rows, r => Assert.False(r.Suppressed));
    }
}
