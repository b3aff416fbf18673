using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Models.Ncd;

/// <summary>
/// The national NCD table (issue 15 §4): the provinces' snapshots pooled into one <see cref="NcdData"/> whose units are
/// the provinces and whose total is the nation, so that the same code as a province's own table gives the national
/// figures: cascades (the sums of the provinces' counts), prevalence (pooled over every province's cells, so the
/// national age-standardised rate weighs the pooled band rates, with its Fay–Feuer interval), and the provinces
/// smoothed toward the national value. Disclosure: each province's counts keep exactly the state its own pattern gives
/// them (they are published in the province's own views), and national counts are hidden where a hidden province count
/// would otherwise follow from the national total (docs/definitions.md, "Disclosure control").
/// </summary>
public static class NationalNcd
{
    /// <summary>The code and name of the national total row (those of the national coverage table).</summary>
    public const string Code = CoverageQueries.NationCode;
    public const string Name = CoverageQueries.NationName;

    /// <summary>The provinces' data (one snapshot each, distinct provinces) as one table; the national snapshot is dated
    /// by the latest of them and named by the snapshots it pools.</summary>
    public static NcdData Pool(IReadOnlyList<NcdData> provinces)
    {
        if (provinces.Count == 0) throw new ArgumentException("no province to pool", nameof(provinces));
        var cells = provinces.SelectMany(p => p.Cells.GroupBy(c => (c.Sex, c.BandLo)).Select(g => Sum(p.Snapshot.ProvinceCode, g.Key.Sex, g.Key.BandLo, g))).ToList();
        var asOf = provinces.Max(p => p.Snapshot.AsOf);
        var snapshot = new LoadedSnapshot(Key(provinces.Select(p => p.Snapshot)), Code, asOf, ReferenceData.System2025);
        return new NcdData(snapshot, cells, Name, provinces.ToDictionary(p => p.Snapshot.ProvinceCode, p => p.ProvinceName)) { Provinces = provinces };
    }

    /// <summary>The name of a pooled table: its snapshots' ids in order.</summary>
    public static string Key(IEnumerable<LoadedSnapshot> snapshots) => Code + ":" + string.Join(",", snapshots.Select(s => s.SnapshotId).Order(StringComparer.Ordinal));

    /// <summary>National row first, then one row per province (from its own snapshot), disclosed for the audience.</summary>
    public static List<CascadeView> Cascades(NcdData nation, Audience audience) =>
        nation.Cascades().Select(r => Relabel(nation, r)).Select(r => nation.Suppression.Disclose(r, audience)).ToList();

    /// <summary>National row first, then one row per province (smoothed toward the national value), disclosed.</summary>
    public static List<PrevalenceEstimate> Prevalence(NcdData nation, Measure m, string sex, AgeGroup g, Audience audience) =>
        nation.Prevalence(m, sex, g).Select(r => nation.Suppression.Disclose(r, m, g, audience)).Select(r => Relabel(nation, r)).ToList();

    static PrevalenceEstimate Relabel(NcdData nation, PrevalenceEstimate r) => Of(nation, r.UnitCode) is { } p
        ? r with { Level = Levels.Province, SnapshotId = p.SnapshotId, AsOf = p.AsOf }
        : r with { Level = Levels.Nation };

    static CascadeRow Relabel(NcdData nation, CascadeRow r) => Of(nation, r.UnitCode) is { } p
        ? r with { Level = Levels.Province, SnapshotId = p.SnapshotId, AsOf = p.AsOf }
        : r with { Level = Levels.Nation };

    static LoadedSnapshot? Of(NcdData nation, string code) =>
        code == Code ? null : nation.Provinces.FirstOrDefault(p => p.Snapshot.ProvinceCode == code)?.Snapshot;

    static Cell Sum(string unit, int sex, int band, IEnumerable<Cell> g)
    {
        var list = g.ToList();
        int S(Func<Cell, int> f) => list.Sum(f);
        return new Cell
        {
            SnapshotId = list[0].SnapshotId, WardCode = unit, Sex = sex, BandLo = band,
            Adults = S(c => c.Adults), HtnScreened = S(c => c.HtnScreened), HtnRaised = S(c => c.HtnRaised),
            HtnHypertensive = S(c => c.HtnHypertensive), HtnDiagnosed = S(c => c.HtnDiagnosed), HtnTreated = S(c => c.HtnTreated),
            HtnControlled = S(c => c.HtnControlled), HtnScreenedHypertensive = S(c => c.HtnScreenedHypertensive),
            DmScreened = S(c => c.DmScreened), DmRaised = S(c => c.DmRaised), DmHyperglycaemic = S(c => c.DmHyperglycaemic),
            DmDiagnosed = S(c => c.DmDiagnosed), DmTreated = S(c => c.DmTreated), DmControlled = S(c => c.DmControlled),
            DmScreenedHyperglycaemic = S(c => c.DmScreenedHyperglycaemic), BmiKnown = S(c => c.BmiKnown), Obese = S(c => c.Obese),
            ProgPatients = S(c => c.ProgPatients), ProgControlled = S(c => c.ProgControlled), ProgUncontrolled = S(c => c.ProgUncontrolled),
            ProgMissedVisit = S(c => c.ProgMissedVisit), ProgNoBp = S(c => c.ProgNoBp),
        };
    }
}
