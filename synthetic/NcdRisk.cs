namespace HoSoSucKhoe.Synthetic;

/// <summary>
/// Latent hypertension and diabetes: the probability of having the condition by five-year band and sex, calibrated
/// so that 25–64 year-olds land near the STEPS anchors (hypertension 28.3 %, hyperglycaemia 6.96 %). Probabilities
/// never fall with age, so a person's condition starts on the birthday that enters the first band whose probability
/// exceeds the person's own uniform draw and never goes away.
/// </summary>
internal static class NcdRisk
{
    //                          0-4 5-9 10-14 15-19  20-24  25-29 30-34 35-39 40-44 45-49 50-54 55-59 60-64 65-69 70-74 75-79 80+
    static readonly double[] HtnMale =   [0, 0, 0, 0.030, 0.060, 0.100, 0.150, 0.215, 0.290, 0.370, 0.450, 0.520, 0.580, 0.630, 0.670, 0.700, 0.720];
    static readonly double[] HtnFemale = [0, 0, 0, 0.015, 0.030, 0.060, 0.095, 0.145, 0.215, 0.300, 0.400, 0.490, 0.570, 0.630, 0.680, 0.720, 0.750];
    static readonly double[] DmMale =    [0, 0, 0, 0.005, 0.008, 0.015, 0.026, 0.040, 0.058, 0.085, 0.117, 0.150, 0.175, 0.190, 0.195, 0.200, 0.200];
    static readonly double[] DmFemale =  [0, 0, 0, 0.005, 0.008, 0.013, 0.021, 0.032, 0.052, 0.078, 0.110, 0.143, 0.170, 0.190, 0.200, 0.200, 0.200];

    /// <summary>Age at which the conditions can start (adults only, as in the case definitions).</summary>
    public const int MinAge = 18;

    /// <summary>Gaussian-copula correlation between the two conditions' latent draws.</summary>
    public const double Correlation = 0.35;

    public static double Hypertension(int band, byte sex) => Pick(HtnMale, HtnFemale, band, sex);
    public static double Diabetes(int band, byte sex) => Pick(DmMale, DmFemale, band, sex);

    static double Pick(double[] male, double[] female, int band, byte sex) =>
        band < 0 ? 0 : sex == 1 ? male[band] : sex == 2 ? female[band] : (male[band] + female[band]) / 2;

    /// <summary>The day a person whose draw is <paramref name="u"/> develops the condition, or Never.</summary>
    public static int OnsetDay(int birthDay, byte sex, double u, bool diabetes)
    {
        for (var age = MinAge; age <= 120; age = age < 20 ? 20 : age + 5)
        {
            var p = diabetes ? Diabetes(AgeBands.Of(age), sex) : Hypertension(AgeBands.Of(age), sex);
            if (u < p) return Calendar.Birthday(birthDay, age);
            if (age >= 80) break;
        }
        return Calendar.Never;
    }

    /// <summary>Standard normal CDF (Abramowitz–Stegun 7.1.26 on erf, error &lt; 1.5e-7).</summary>
    public static double Phi(double z)
    {
        var x = Math.Abs(z) / Math.Sqrt(2);
        var t = 1 / (1 + 0.3275911 * x);
        var erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
