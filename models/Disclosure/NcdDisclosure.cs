using HoSoSucKhoe.Models.Ncd;

namespace HoSoSucKhoe.Models.Disclosure;

/// <summary>A published NCD count: which count, of which unit, sex (all | male | female) and age group.</summary>
public readonly record struct NcdKey(string Count, string Unit, string Sex, string Ages);

/// <summary>
/// The suppression pattern of one snapshot's NCD counts, computed once over everything the NCD endpoints publish so
/// that prevalence, cascades and clusters hide the same cells: the prevalence numerators for every unit × sex × age
/// group (a cascade step that is the same count, e.g. "affected" = htn_adults at all/18+, is the same key), and the
/// cascade-only counts (treated, controlled, programme) for every unit at all/18+. Relations: province = Σ communes;
/// all = male + female; 18+ = Σ STEPS groups = Σ five-year bands; a STEPS group = Σ its bands; programme patients =
/// Σ the four statuses. Denominators (adults, screened, BMI known) are operational and not in the pattern.
/// </summary>
public sealed class NcdSuppression
{
    public const string All = "all";
    static readonly AgeGroup Adults = AgeStandard.Group("18+");

    /// <summary>Cascade-only counts (published at all/18+).</summary>
    static readonly (string Name, Func<Cell, int> Count)[] CascadeCounts =
    [
        ("htn_treated", c => c.HtnTreated), ("htn_controlled", c => c.HtnControlled),
        ("dm_treated", c => c.DmTreated), ("dm_controlled", c => c.DmControlled),
        ("prog_patients", c => c.ProgPatients), ("prog_controlled", c => c.ProgControlled),
        ("prog_uncontrolled", c => c.ProgUncontrolled), ("prog_missed_visit", c => c.ProgMissedVisit),
        ("prog_no_bp", c => c.ProgNoBp),
    ];

    static readonly string[] ProgrammeParts = ["prog_controlled", "prog_uncontrolled", "prog_missed_visit", "prog_no_bp"];

    readonly Suppression<NcdKey> pattern;
    /// <summary>Band rows hidden for a denominator of 1–4 (their count is 0 or primary).</summary>
    readonly HashSet<NcdKey> fewBands = [];
    readonly string province;

    /// <param name="data">The snapshot's cells (for the national table: one unit per province, <see cref="NcdData.Provinces"/>).</param>
    /// <param name="elsewhere">Counts whose state another pattern already fixed: true hidden there, false published
    /// there (so never a complement here), null free. The national table fixes each province's counts by the province's
    /// own pattern, so that only national counts can become complements: a province count is public in its own views.</param>
    public NcdSuppression(NcdData data, Func<NcdKey, bool?>? elsewhere = null)
    {
        province = data.Snapshot.ProvinceCode;
        var units = data.CommuneNames.Keys.Union(data.Cells.Select(c => c.WardCode)).Order(StringComparer.Ordinal).ToList();
        var cells = new Dictionary<NcdKey, long>();
        var relations = new List<Relation<NcdKey>>();
        var sexes = new[] { ("male", 1), ("female", 2) };
        var byUnitSexBand = data.Cells.GroupBy(c => (c.WardCode, c.Sex, c.BandLo)).ToDictionary(g => g.Key, g => g.ToList());
        var otherSex = data.Cells.Where(c => c.Sex is not (1 or 2)).Select(c => c.WardCode).ToHashSet();

        void Add(string count, Func<Cell, int> f, IReadOnlyList<AgeGroup> groups)
        {
            foreach (var g in groups)
            foreach (var (sex, code) in sexes)
            {
                long provinceValue = 0;
                foreach (var u in units)
                {
                    long v = 0;
                    foreach (var b in g.Bands)
                        if (byUnitSexBand.TryGetValue((u, code, b), out var cs)) v += cs.Sum(f);
                    cells[new(count, u, sex, g.Label)] = v;
                    provinceValue += v;
                }
                cells[new(count, province, sex, g.Label)] = provinceValue;
            }
            foreach (var g in groups)
            {
                foreach (var u in units.Append(province))
                {
                    long other = otherSex.Count == 0 ? 0 : u == province ? data.Cells.Where(c => c.Sex is not (1 or 2) && g.Bands.Contains(c.BandLo)).Sum(f)
                        : otherSex.Contains(u) ? data.Cells.Where(c => c.WardCode == u && c.Sex is not (1 or 2) && g.Bands.Contains(c.BandLo)).Sum(f) : 0;
                    cells[new(count, u, All, g.Label)] = cells[new(count, u, "male", g.Label)] + cells[new(count, u, "female", g.Label)] + other;
                    // Cells of unknown sex are published only inside "all": a reader does not know them.
                    NcdKey[] parts = other > 0 ? [new(count, u, "male", g.Label), new(count, u, "female", g.Label), new(count, u, "other", g.Label)]
                        : [new(count, u, "male", g.Label), new(count, u, "female", g.Label)];
                    relations.Add(new(new(count, u, All, g.Label), parts));
                }
                foreach (var sex in new[] { All, "male", "female" })
                    relations.Add(new(new(count, province, sex, g.Label), units.Select(u => new NcdKey(count, u, sex, g.Label)).ToList()));
            }
            if (groups.Count == 1) return;
            var bands = groups.Where(g => g.Scheme == "5y").ToList();
            var steps = groups.Where(g => g.Scheme == "steps").ToList();
            foreach (var u in units.Append(province))
            foreach (var sex in new[] { All, "male", "female" })
            {
                NcdKey K(AgeGroup g) => new(count, u, sex, g.Label);
                relations.Add(new(K(Adults), bands.Select(K).ToList()));
                relations.Add(new(K(Adults), steps.Select(K).ToList()));
                foreach (var s in steps)
                    relations.Add(new(K(s), bands.Where(b => s.Bands.Contains(b.Bands[0])).Select(K).ToList()));
            }
        }

        foreach (var m in Measure.All)
        {
            Add(m.Key, m.Numerator, AgeStandard.Groups);
            // Band denominators by unit and sex (0: all sexes, unknown included); the province sums its communes.
            var den = new Dictionary<(string Unit, int Sex, int Band), long>();
            foreach (var ((u, sx, b), cs) in byUnitSexBand)
            {
                var n = cs.Sum(m.Denominator);
                foreach (var key in new[] { (u, 0, b), (province, 0, b) }.Concat(sx is 1 or 2 ? [(u, sx, b), (province, sx, b)] : []))
                    den[key] = den.GetValueOrDefault(key) + n;
            }
            foreach (var ((u, sx, b), n) in den)
                if (Disclosure.IsSmall(n)) fewBands.Add(new(m.Key, u, sx switch { 1 => "male", 2 => "female", _ => All }, AgeStandard.Label(b)));
        }
        foreach (var (name, f) in CascadeCounts) Add(name, f, [Adults]);
        foreach (var u in units.Append(province))
            relations.Add(new(new("prog_patients", u, All, Adults.Label), ProgrammeParts.Select(p => new NcdKey(p, u, All, Adults.Label)).ToList()));
        pattern = elsewhere is null ? Disclosure.Protect(cells, _ => true, relations)
            : Disclosure.Protect(cells, _ => true, relations, k => elsewhere(k) == false, k => elsewhere(k) == true);
        Cells = cells;
    }

    public IReadOnlyDictionary<NcdKey, long> Cells { get; }
    public Suppression<NcdKey> Pattern => pattern;

    /// <summary>Whether a count is hidden from viewers who may not see the unit's raw figures.</summary>
    public bool Hides(string count, string unit, string sex = All, string ages = "18+") => pattern.Hides(new(count, unit, sex, ages));

    /// <summary>Whether a figure computed from the group's bands (standardised rate, its CI, the smoothed value) would
    /// let a hidden band be rebuilt: hidden as soon as one band of the group is.</summary>
    public bool HidesAnyBand(string count, string unit, string sex, AgeGroup g) =>
        Hides(count, unit, sex, g.Label) || (g.Bands.Length > 1 && g.Bands.Any(b =>
            Hides(count, unit, sex, AgeStandard.Label(b)) || fewBands.Contains(new(count, unit, sex, AgeStandard.Label(b)))));

    /// <summary>Whether the headline (standardised, else crude) value of a prevalence row is publishable.</summary>
    public bool Publishes(Measure m, string unit, string sex, AgeGroup g) => !HidesAnyBand(m.Key, unit, sex, g);

    /// <summary>A prevalence row as the audience may see it: a hidden count (or a denominator of 1–4) hides the counts and
    /// every figure derived from them (rates, CIs, smoothed value, shrinkage); a hidden band of the group hides the
    /// standardised rate, its CI and the smoothed value and shrinkage (they weigh the bands), the crude rate stays.</summary>
    public PrevalenceEstimate Disclose(PrevalenceEstimate e, Measure m, AgeGroup g, Audience a)
    {
        if (a.SeesRaw(e.UnitCode)) return e with { Suppressed = false };
        if (Hides(m.Key, e.UnitCode, e.Sex, g.Label) || Disclosure.IsSmall(e.Cases) || Disclosure.IsSmall(e.Denominator))
            return e with
            {
                Cases = null, Denominator = null, Crude = null, CrudeLo = null, CrudeHi = null,
                Standardised = null, StandardisedLo = null, StandardisedHi = null,
                Smoothed = null, SmoothedLo = null, SmoothedHi = null, Shrinkage = null, Suppressed = true,
            };
        if (HidesAnyBand(m.Key, e.UnitCode, e.Sex, g))
            return e with
            {
                Standardised = null, StandardisedLo = null, StandardisedHi = null,
                Smoothed = null, SmoothedLo = null, SmoothedHi = null, Shrinkage = null, Suppressed = false,
            };
        return e with { Suppressed = false };
    }

    /// <summary>A cascade row as the audience may see it: a step's count is hidden with its key in the pattern; its
    /// denominator when that is a hidden count (diagnosed over affected, …); the share unless both are shown and the
    /// denominator is at least the threshold.</summary>
    public CascadeView Disclose(CascadeRow r, Audience a)
    {
        var raw = a.SeesRaw(r.UnitCode);
        bool Hidden(string? key) => !raw && key is not null && Hides(key, r.UnitCode);
        return r.View((key, denominatorKey) => (Hidden(key), Hidden(denominatorKey), !raw));
    }

    public string Province => province;
}
