using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Models.Ncd;

/// <summary>A prevalence the burden endpoints estimate: numerator and denominator over ncd_cell.</summary>
public sealed record Measure(string Key, string Name, string DenominatorName, Func<Cell, int> Numerator, Func<Cell, int> Denominator)
{
    public static readonly IReadOnlyList<Measure> All =
    [
        new("htn_screened", "Tăng huyết áp (đã chẩn đoán hoặc huyết áp cao)", "người ≥ 18 tuổi được đo huyết áp trong 12 tháng",
            c => c.HtnScreenedHypertensive, c => c.HtnScreened),
        new("htn_raised", "Huyết áp cao (≥ 140/90) ở lần đo gần nhất", "người ≥ 18 tuổi được đo huyết áp trong 12 tháng",
            c => c.HtnRaised, c => c.HtnScreened),
        new("htn_adults", "Tăng huyết áp (đã chẩn đoán hoặc huyết áp cao)", "mọi người ≥ 18 tuổi có hồ sơ",
            c => c.HtnHypertensive, c => c.Adults),
        new("htn_diagnosed", "Tăng huyết áp đã được chẩn đoán", "mọi người ≥ 18 tuổi có hồ sơ",
            c => c.HtnDiagnosed, c => c.Adults),
        new("dm_screened", "Đái tháo đường (đã chẩn đoán hoặc đường huyết cao)", "người ≥ 18 tuổi có xét nghiệm đường huyết đói/HbA1c trong 12 tháng",
            c => c.DmScreenedHyperglycaemic, c => c.DmScreened),
        new("dm_raised", "Đường huyết cao (đói ≥ 7,0 mmol/L hoặc HbA1c ≥ 6,5 %)", "người ≥ 18 tuổi có xét nghiệm đường huyết đói/HbA1c trong 12 tháng",
            c => c.DmRaised, c => c.DmScreened),
        new("dm_adults", "Đái tháo đường (đã chẩn đoán hoặc đường huyết cao)", "mọi người ≥ 18 tuổi có hồ sơ",
            c => c.DmHyperglycaemic, c => c.Adults),
        new("dm_diagnosed", "Đái tháo đường đã được chẩn đoán", "mọi người ≥ 18 tuổi có hồ sơ",
            c => c.DmDiagnosed, c => c.Adults),
        new("obesity", "Thừa cân/béo phì (BMI ≥ 25, ngưỡng châu Á)", "người ≥ 18 tuổi có chiều cao và cân nặng",
            c => c.Obese, c => c.BmiKnown),
    ];

    public static Measure? Find(string key) => All.FirstOrDefault(m => m.Key == key);
}

/// <summary>One prevalence figure: crude with Wilson CI, age-standardised with Fay–Feuer CI, and the empirical-Bayes
/// value toward the province (communes only). Proportions, not percentages.</summary>
public sealed record PrevalenceEstimate(
    string SnapshotId, DateOnly AsOf, string Measure, string Level, string UnitCode, string UnitName, string Sex,
    string AgeGroup, string AgeScheme, int? Cases, int? Denominator,
    double? Crude, double? CrudeLo, double? CrudeHi,
    double? Standardised, double? StandardisedLo, double? StandardisedHi, int BandsWithoutData,
    double? Smoothed, double? SmoothedLo, double? SmoothedHi, double? Shrinkage, bool Suppressed)
{
    /// <summary>The between-commune variance τ² the smoothing used (communes only; 0 when the communes differ no more than
    /// sampling alone would make them, see docs/models.md).</summary>
    public double? BetweenVariance { get; init; }
}

/// <summary>Crude, age-standardised and smoothed prevalence from ncd_cell (docs/models.md, "Burden").</summary>
public static class Burden
{
    public const string VisitBiasNote =
        "Tỷ lệ tính từ hồ sơ sức khỏe điện tử nghiêng về những người có đến cơ sở y tế (người được khám, đo, xét nghiệm nhiều hơn); " +
        "không thay thế điều tra dân số như STEPS. (Record-based prevalence favours people who visit.)";

    public static readonly IReadOnlyList<Anchor> Anchors =
    [
        new("STEPS 2015", "htn_raised", AgeGroup.Anchor18To69, 0.189, "Huyết áp cao ở người 18–69 tuổi"),
        new("STEPS 2010–2020 (năm 2020)", "htn_screened", AgeGroup.Anchor25To64, 0.283, "Tăng huyết áp ở người 25–64 tuổi"),
        new("STEPS 2010–2020 (năm 2020)", "dm_raised", AgeGroup.Anchor25To64, 0.0696, "Tăng đường huyết ở người 25–64 tuổi"),
    ];

    public static readonly string[] Sexes = ["all", "male", "female"];

    static bool SexMatches(Cell c, string sex) => sex switch { "male" => c.Sex == 1, "female" => c.Sex == 2, _ => true };

    /// <summary>Estimates for one snapshot, measure, sex and age group: the province row first, then one per commune
    /// (communes with no adult record included, with empty figures). The between-commune variance of the smoothing is
    /// estimated from the communes whose headline value is <paramref name="published"/> only, so that no published
    /// shrinkage carries a trace of a suppressed commune (docs/definitions.md, "Disclosure control").</summary>
    public static List<PrevalenceEstimate> Estimate(LoadedSnapshot s, IReadOnlyList<Cell> cells, Measure m, string sex, AgeGroup group,
        string provinceName, IReadOnlyDictionary<string, string> communeNames, Func<string, bool>? published = null)
    {
        var selected = cells.Where(c => SexMatches(c, sex) && group.Bands.Contains(c.BandLo)).ToList();
        var province = Compute(selected, m, group, null);
        var rows = new List<PrevalenceEstimate>
        {
            Row(s, m, Levels.Province, s.ProvinceCode, provinceName, sex, group, province, null),
        };
        var byWard = selected.GroupBy(c => c.WardCode).ToDictionary(g => g.Key, g => g.ToList());
        var communes = communeNames.Keys.Union(byWard.Keys).Order(StringComparer.Ordinal)
            .Select(code => (Code: code, Raw: Compute(byWard.GetValueOrDefault(code) ?? [], m, group, province))).ToList();

        // The between-commune variance from publishable communes only (docs/definitions.md, "Disclosure control").
        var informative = communes.Where(x => x.Raw.Headline is not null && x.Raw.PriorVariance > 0
                && !Disclosure.Disclosure.IsSmall(x.Raw.Denominator) && (published?.Invoke(x.Code) ?? true))
            .Select(x => (x.Raw.Headline!.Value, x.Raw.PriorVariance)).ToList();
        var moments = province.Headline is { } centre ? Moments(informative, centre) : null;
        foreach (var (code, raw) in communes)
        {
            Smooth? smooth = null;
            if (moments is { } mm && province.Headline is { } p)
            {
                var t = mm.Tau2;
                if (raw.Headline is not { } h || raw.PriorVariance <= 0) smooth = new(p, 1, Math.Sqrt(province.PriorVariance), t);
                else
                {
                    var b = raw.PriorVariance / (raw.PriorVariance + t);
                    // Morris (1983): the posterior variance with τ² and the prior mean estimated, not known. Without the
                    // last two terms a commune with B = 1 would get a zero-width interval at the province's value.
                    var variance = (1 - b) * raw.PriorVariance + b * b * province.PriorVariance
                        + 2.0 / Math.Max(1, mm.Communes - 3) * b * b * (h - p) * (h - p);
                    smooth = new(b * p + (1 - b) * h, b, Math.Sqrt(variance), t);
                }
            }
            rows.Add(Row(s, m, Levels.Commune, code, communeNames.GetValueOrDefault(code) ?? code, sex, group, raw, smooth));
        }
        return rows;
    }

    /// <summary>The moments behind τ²: k communes, their mean squared deviation from the province value and their mean
    /// sampling variance. E[(hᵢ − p)²] = τ² + vᵢ, so τ² = mean (hᵢ − p)² − mean vᵢ, floored at 0.</summary>
    internal sealed record BetweenCommuneMoments(int Communes, double MeanSquaredDeviation, double MeanSamplingVariance)
    {
        public double Tau2 => Math.Max(0, MeanSquaredDeviation - MeanSamplingVariance);
    }

    /// <summary>Method-of-moments between-commune variance of the headline values around the province value; null with
    /// fewer than 3 communes (no spread to speak of).</summary>
    internal static BetweenCommuneMoments? Moments(IReadOnlyList<(double Value, double Variance)> communes, double centre) =>
        communes.Count < 3 ? null
            : new(communes.Count, communes.Average(x => (x.Value - centre) * (x.Value - centre)), communes.Average(x => x.Variance));

    sealed record Smooth(double Value, double Shrinkage, double Sd, double Tau2);

    sealed record Raw(int Cases, int Denominator, double? Crude, (double Lo, double Hi)? CrudeCi, double? Asr, (double Lo, double Hi)? AsrCi,
        int BandsWithoutData, double PriorVariance, Dictionary<int, double> BandRates)
    {
        public double? Headline => Asr ?? Crude;
    }

    /// <summary>Crude and standardised figures of a set of cells; the prior variance (for smoothing) uses the
    /// province's band rates when <paramref name="prior"/> is given.</summary>
    static Raw Compute(IReadOnlyList<Cell> cells, Measure m, AgeGroup group, Raw? prior)
    {
        var bands = group.Bands.ToDictionary(b => b, b => (X: 0, N: 0));
        foreach (var c in cells)
        {
            var (x, n) = bands[c.BandLo];
            bands[c.BandLo] = (x + m.Numerator(c), n + m.Denominator(c));
        }
        var cases = bands.Values.Sum(v => v.X);
        var den = bands.Values.Sum(v => v.N);
        var rates = bands.Where(kv => kv.Value.N > 0).ToDictionary(kv => kv.Key, kv => (double)kv.Value.X / kv.Value.N);
        double? crude = den > 0 ? (double)cases / den : null;
        var crudeCi = den > 0 ? Stats.Wilson(cases, den) : ((double, double)?)null;
        var present = bands.Where(kv => kv.Value.N > 0).ToList();
        var totalWeight = present.Sum(kv => AgeStandard.Weight(kv.Key));
        double? asr = null;
        (double, double)? asrCi = null;
        if (group.Bands.Length > 1 && present.Count > 0)
        {
            double y = 0, v = 0, wSum = 0;
            foreach (var (b, (x, n)) in present)
            {
                var w = AgeStandard.Weight(b) / totalWeight;
                y += w * x / n;
                v += w * w * x / ((double)n * n);
                wSum += w / n;
            }
            asr = y;
            asrCi = Stats.FayFeuer(y, v, wSum / present.Count);   // Tiwari et al. (2006): mean wᵢ/nᵢ
        }
        // Sampling variance of the headline value under the prior's band rates (the province's own rates for the
        // province itself, so that the prior mean's uncertainty can enter the posterior).
        prior ??= new Raw(cases, den, crude, crudeCi, asr, asrCi, 0, 0, rates);
        double priorVariance = 0;
        if (den > 0)
        {
            if (group.Bands.Length > 1)
                foreach (var (b, (_, n)) in present)
                {
                    var w = AgeStandard.Weight(b) / totalWeight;
                    var p = prior.BandRates.GetValueOrDefault(b, prior.Crude ?? 0);
                    priorVariance += w * w * p * (1 - p) / n;
                }
            else if (prior.Crude is { } p)
                priorVariance = p * (1 - p) / den;
        }
        return new Raw(cases, den, crude, crudeCi, asr, asrCi, group.Bands.Length - present.Count, priorVariance, rates);
    }

    static PrevalenceEstimate Row(LoadedSnapshot s, Measure m, string level, string code, string name, string sex, AgeGroup g, Raw r, Smooth? sm)
    {
        double? smLo = null, smHi = null;
        if (sm is not null)
        {
            smLo = Math.Max(0, sm.Value - Stats.Z95 * sm.Sd);
            smHi = Math.Min(1, sm.Value + Stats.Z95 * sm.Sd);
        }
        return new PrevalenceEstimate(s.SnapshotId, s.AsOf, m.Key, level, code, name, sex, g.Label, g.Scheme, r.Cases, r.Denominator,
            r.Crude, r.CrudeCi?.Lo, r.CrudeCi?.Hi, r.Asr, r.AsrCi?.Lo, r.AsrCi?.Hi, r.BandsWithoutData,
            sm?.Value, smLo, smHi, sm?.Shrinkage, false) { BetweenVariance = sm?.Tau2 };
    }
}

/// <summary>A survey figure the record-based prevalence is shown beside.</summary>
public sealed record Anchor(string Survey, string Measure, AgeGroup Ages, double Value, string Description);
