namespace HoSoSucKhoe.Synthetic;

/// <summary>
/// Vietnam's age/sex structure, approximated from the 2019 census pyramid by five-year band and shifted slightly
/// older for 2025, and an abridged life table giving a crude death rate of about 6 per 1,000 a year.
/// </summary>
internal static class Demography
{
    // Share of the population by band 0-4 … 80+ (%), 2019 census shape.
    static readonly double[] BandShare =
        [7.9, 8.4, 7.8, 6.8, 6.6, 7.6, 8.2, 8.0, 7.5, 6.9, 6.3, 5.6, 4.6, 3.4, 2.2, 1.5, 1.9];

    // Male share by band: sex ratio at birth ~111, female majority among the old.
    static readonly double[] MaleShare =
        [0.525, 0.523, 0.52, 0.515, 0.505, 0.502, 0.5, 0.5, 0.498, 0.495, 0.49, 0.485, 0.475, 0.46, 0.43, 0.4, 0.34];

    static readonly double[] CumulativeBand = Cumulative(BandShare);

    public const double UndeterminedSexRate = 0.0002;

    static double[] Cumulative(double[] w)
    {
        var c = new double[w.Length];
        var s = 0.0;
        for (var i = 0; i < w.Length; i++) c[i] = s += w[i];
        return c;
    }

    /// <summary>Completed age on the census day.</summary>
    public static int SampleAge(ref Rng rng)
    {
        var band = rng.PickCumulative(CumulativeBand);
        if (band < AgeBands.Count - 1) return band * 5 + rng.Int(0, 5);
        return Math.Min(104, 80 + (int)rng.Exponential(5.5));
    }

    public static byte SampleSex(ref Rng rng, int age)
    {
        if (rng.Chance(UndeterminedSexRate)) return 3;
        return rng.Chance(MaleShare[AgeBands.Of(age)]) ? (byte)1 : (byte)2;
    }

    /// <summary>Migrant workers (temporary residents): mostly 18–45.</summary>
    public static int SampleMigrantAge(ref Rng rng) =>
        rng.Chance(0.12) ? rng.Int(0, 15) : rng.Chance(0.85) ? rng.Int(18, 40) : rng.Int(40, 60);

    /// <summary>Annual probability of death by age (abridged life table, sexes pooled, men ×1.3).</summary>
    public static double AnnualDeathRate(int age, byte sex)
    {
        var q = age switch
        {
            0 => 0.014,
            < 5 => 0.0009,
            < 30 => 0.0007,
            < 40 => 0.0014,
            < 50 => 0.0029,
            < 60 => 0.0068,
            < 70 => 0.0155,
            < 80 => 0.039,
            < 90 => 0.10,
            _ => 0.22,
        };
        return sex == 1 ? q * 1.3 : sex == 2 ? q * 0.78 : q;
    }
}
