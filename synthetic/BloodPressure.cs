namespace HoSoSucKhoe.Synthetic;

/// <summary>Blood-pressure state at a reading: normotensive, hypertensive off target, or treated to target.</summary>
internal enum Pressure : byte { Normal, Raised, Controlled }

/// <summary>
/// Readings with realistic spread and digit preference, drawn by rejection so the observed case definition agrees
/// with the latent state: Normal and Controlled always read &lt; 140/90, Raised always ≥ 140 or ≥ 90; every
/// reading is plausible (systolic 85–230 and at least 20 above diastolic, diastolic 45–135).
/// </summary>
internal static class BloodPressure
{
    public static (short Systolic, short Diastolic) Draw(ref Rng rng, Pressure state, int age)
    {
        var (ms, ss, md, sd) = state switch
        {
            Pressure.Raised => (150 + 0.25 * Math.Max(0, age - 50), 14.0, 90.0, 10.0),
            Pressure.Controlled => (127.0, 8.0, 79.0, 6.0),
            _ when age < 18 => (98 + age, 9.0, 60 + age * 0.8, 7.0),
            _ => (110 + 0.3 * Math.Max(0, age - 25), 10.0, 71 + 0.12 * Math.Max(0, age - 25), 7.0),
        };
        var roundTo5 = rng.Chance(0.35);
        for (var i = 0; i < 50; i++)
        {
            var s = Round(rng.Normal(ms, ss), roundTo5);
            var d = Round(rng.Normal(md, sd), roundTo5);
            if (s < 85 || s > 230 || d < 45 || d > 135 || s - d < 20) continue;
            var raised = s >= 140 || d >= 90;
            if (raised == (state == Pressure.Raised)) return ((short)s, (short)d);
        }
        return state == Pressure.Raised ? ((short)150, (short)92) : ((short)122, (short)76);
    }

    static int Round(double x, bool to5) => to5 ? (int)Math.Round(x / 5) * 5 : (int)Math.Round(x);
}
