namespace HoSoSucKhoe.Synthetic;

internal enum CommuneKind : byte { Normal, Lagging, Over }

/// <summary>How one commune rolls out records and runs screening, drawn once per commune from the seed.</summary>
internal sealed record CommuneProfile
{
    public required ulong Seed { get; init; }
    public required CommuneKind Kind { get; init; }
    public required double Plateau { get; init; }
    public required int Midpoint { get; init; }          // day at which half the plateau is reached
    public required double SpreadDays { get; init; }     // logistic scale
    public required double ExamShare { get; init; }
    public required double VerifyProbability { get; init; }
    public required double VerifyDelayDays { get; init; }
    public required double MigrantShare { get; init; }
    public required double DuplicateRate { get; init; }
    public required int[] ScreeningDays { get; init; }
    public required double ScreeningUptake { get; init; }
    public required string Station { get; init; }
    public required string[] Hospitals { get; init; }

    public static CommuneProfile[] Draw(ProvinceFrame frame, int seed, GeneratorRates rates)
    {
        var master = new Random(seed);
        var n = frame.Communes.Length;
        var seeds = new ulong[n];
        for (var i = 0; i < n; i++) seeds[i] = (ulong)master.NextInt64();
        var order = new double[n];
        for (var i = 0; i < n; i++) order[i] = master.NextDouble();

        // Rank-based so that every province has at least one lagging and one over-100 % commune (when it has 3+).
        var ranked = Enumerable.Range(0, n).OrderBy(i => order[i]).ThenBy(i => i).ToArray();
        var withPopulation = ranked.Where(i => frame.Population[i] is not null).ToArray();
        var kinds = new CommuneKind[n];
        if (n >= 3)
        {
            var lagging = Math.Max(1, (int)Math.Round(n * rates.LaggingCommuneShare));
            var over = Math.Max(1, (int)Math.Round(n * rates.OverCommuneShare));
            foreach (var i in ranked.Take(lagging)) kinds[i] = CommuneKind.Lagging;
            foreach (var i in Enumerable.Reverse(withPopulation).Where(i => kinds[i] == CommuneKind.Normal).Take(over)) kinds[i] = CommuneKind.Over;
        }

        var hospitals = Enumerable.Range(1, Math.Clamp(n / 8, 2, 60))
            .Select(h => frame.ProvinceCode + "0" + h.ToString("D2")).ToArray();
        return Enumerable.Range(0, n).Select(i => Make(seeds[i], kinds[i], frame.ProvinceCode, i, hospitals, rates)).ToArray();
    }

    static CommuneProfile Make(ulong seed, CommuneKind kind, string province, int index, string[] hospitals, GeneratorRates r)
    {
        var rng = Rng.Derive(seed, 0xC0FFEE);
        double Between(double[] range) => range[0] + (range[1] - range[0]) * rng.Uniform();
        var plateau = kind switch
        {
            CommuneKind.Lagging => Between(r.LaggingPlateau),
            CommuneKind.Over => Between(r.OverPlateau),
            _ => Between(r.NormalPlateau),
        };
        // Normal communes reach half their plateau between 2021 and mid-2025 (late ones still ramp in 2025).
        var midpoint = kind == CommuneKind.Lagging
            ? new DateOnly(2022, 6, 1).DayNumber + rng.Int(0, 730)
            : new DateOnly(2021, 1, 1).DayNumber + rng.Int(0, 1640);
        var spread = kind == CommuneKind.Lagging ? rng.Uniform(120, 300) : rng.Uniform(45, 200);
        var screening = new List<int>();
        for (var year = 2023; year <= 2030; year++)
        {
            var campaigns = rng.Chance(0.5) ? 2 : 1;
            for (var k = 0; k < campaigns; k++) screening.Add(new DateOnly(year, 3, 1).DayNumber + rng.Int(0, 270));
        }
        screening.Sort();
        return new CommuneProfile
        {
            Seed = seed,
            Kind = kind,
            Plateau = plateau,
            Midpoint = midpoint,
            SpreadDays = spread,
            ExamShare = Between(r.ExamShare),
            VerifyProbability = Between(r.VerifyProbability),
            VerifyDelayDays = Between(r.VerifyDelayMeanDays),
            MigrantShare = kind == CommuneKind.Over ? Between(r.MigrantShareOver)
                : kind == CommuneKind.Lagging ? Between(r.MigrantShareNormal) / 2 : Between(r.MigrantShareNormal),
            DuplicateRate = kind == CommuneKind.Over ? r.DuplicateRecordOverCommune : r.DuplicateRecord,
            ScreeningDays = screening.Distinct().ToArray(),
            ScreeningUptake = rng.Uniform(0.10, 0.40),
            Station = province + (100 + index % 900).ToString("D3"),
            Hospitals = hospitals,
        };
    }
}
