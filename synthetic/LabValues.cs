using System.Globalization;

namespace HoSoSucKhoe.Synthetic;

/// <summary>Glycaemic state at a test: below the thresholds, raised (FPG ≥ 7.0 and HbA1c ≥ 7 %), or treated to target.</summary>
internal enum Glycaemia : byte { Normal, Raised, Controlled }

/// <summary>
/// Lab results as written: mixed units (mmol/L or mg/dL, % or mmol/mol, sometimes none), comma or point decimals,
/// stray padding. Glucose and HbA1c are re-read with <see cref="LabReading"/> after writing and nudged until the
/// written text lands on the side of each threshold that the person's state requires.
/// </summary>
internal static class LabValues
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static (string Text, string? Unit) Fasting(ref Rng rng, Glycaemia g)
    {
        var v = g switch
        {
            Glycaemia.Normal => Truncated(ref rng, 5.2, 0.6, 3.9, 6.9),
            Glycaemia.Controlled => Truncated(ref rng, 6.1, 0.45, 4.8, 6.9),
            _ => Math.Min(27, 7.0 + Math.Exp(rng.Normal(Math.Log(2.5), 0.6))),
        };
        return Glucose(ref rng, LabReading.FastingGlucose, v, g == Glycaemia.Raised ? 7.0 : double.NaN, g == Glycaemia.Raised ? double.NaN : 7.0);
    }

    public static (string Text, string? Unit) RandomGlucose(ref Rng rng, Glycaemia g)
    {
        var v = g switch
        {
            Glycaemia.Normal => Truncated(ref rng, 6.3, 1.1, 3.9, 11.0),
            Glycaemia.Controlled => Truncated(ref rng, 8.0, 1.2, 5.0, 11.0),
            _ => Math.Min(30, 8.0 + Math.Exp(rng.Normal(Math.Log(4), 0.6))),
        };
        return Glucose(ref rng, LabReading.RandomGlucose, v, double.NaN, double.NaN);
    }

    public static (string Text, string? Unit) HbA1c(ref Rng rng, Glycaemia g)
    {
        var v = g switch
        {
            Glycaemia.Normal => Truncated(ref rng, 5.4, 0.35, 4.3, 6.4),
            Glycaemia.Controlled => Truncated(ref rng, 6.5, 0.25, 5.8, 6.9),
            _ => Math.Min(15, 7.0 + Math.Exp(rng.Normal(Math.Log(1.2), 0.5))),
        };
        var u = rng.Uniform();
        var unit = u < 0.80 ? "%" : u < 0.92 ? "mmol/mol" : null;
        var style = Style(ref rng);
        var (atLeast, below) = g switch
        {
            Glycaemia.Normal => (double.NaN, 6.5),
            Glycaemia.Controlled => (double.NaN, 7.0),
            _ => (7.0, double.NaN),
        };
        for (var i = 0; ; i++)
        {
            var text = unit == "mmol/mol" ? Number((v - 2.15) * 10.929, 0, style) : Number(v, 1, style);
            if (Satisfies(LabReading.HbA1c, text, unit, atLeast, below) || i > 100) return (text, unit);
            v += double.IsNaN(atLeast) ? -0.05 : 0.05;
        }
    }

    static (string, string?) Glucose(ref Rng rng, string test, double v, double atLeast, double below)
    {
        var u = rng.Uniform();
        var unit = u < 0.70 ? "mmol/L" : u < 0.90 ? "mg/dL" : null;
        if (unit == "mmol/L" && v > 20 && rng.Chance(0.3)) return (">20", unit);
        var style = Style(ref rng);
        for (var i = 0; ; i++)
        {
            var text = unit == "mg/dL" ? Number(v * 18.016, 0, style) : Number(v, style.TwoDecimals ? 2 : 1, style);
            if (Satisfies(test, text, unit, atLeast, below) || i > 100) return (text, unit);
            v += double.IsNaN(atLeast) ? -0.05 : 0.05;
        }
    }

    static bool Satisfies(string test, string text, string? unit, double atLeast, double below)
    {
        var r = LabReading.Interpret(test, text, unit);
        return r.Usable && !(r.Value < atLeast) && !(r.Value >= below);
    }

    public static (string Text, string? Unit) Lipid(ref Rng rng, string test)
    {
        var v = test switch
        {
            "CHOL_TOTAL" => Truncated(ref rng, 5.0, 1.0, 2.5, 9.5),
            "LDL" => Truncated(ref rng, 3.0, 0.8, 1.0, 6.5),
            "HDL" => Truncated(ref rng, 1.2, 0.3, 0.5, 2.5),
            _ => Math.Clamp(Math.Exp(rng.Normal(Math.Log(1.7), 0.45)), 0.4, 12),
        };
        var style = Style(ref rng);
        if (rng.Chance(0.12))
            return (Number(v * (test == "TG" ? 88.57 : 38.67), 0, style), "mg/dL");
        return (Number(v, style.TwoDecimals ? 2 : 1, style), "mmol/L");
    }

    public static (string Text, string? Unit) Creatinine(ref Rng rng, byte sex)
    {
        var v = Truncated(ref rng, sex == 1 ? 88 : 68, 16, 40, 250);
        var style = Style(ref rng);
        return rng.Chance(0.18) ? (Number(v / 88.4, 2, style), "mg/dL") : (Number(v, 0, style), "umol/L");
    }

    /// <summary>A facility's own code (a CRP-like test): numbers, bounds and qualitative words.</summary>
    public static (string Test, string Text, string? Unit) Local(ref Rng rng)
    {
        var u = rng.Uniform();
        if (u < 0.4) return ("XN_LOCAL_17", rng.Chance(0.5) ? "<2.0" : Number(rng.Uniform(2, 40), 1, Style(ref rng)), "mg/L");
        if (u < 0.8) return ("XN_LOCAL_05", rng.Chance(0.85) ? "âm tính" : "dương tính", null);
        return ("XN_NUOC_TIEU", rng.Chance(0.9) ? "âm tính" : "vết", null);
    }

    public static readonly string[] UnparseableTexts = ["??", "không đo được", "KQ lỗi", "mẫu huyết tán", "chờ KQ"];

    public readonly record struct TextStyle(bool Comma, bool Padded, bool TwoDecimals);

    static TextStyle Style(ref Rng rng) => new(rng.Chance(0.35), rng.Chance(0.05), rng.Chance(0.15));

    static string Number(double v, int decimals, TextStyle style)
    {
        if (style.Padded && decimals > 0) decimals++;
        var s = v.ToString("F" + decimals, Inv);
        if (style.Comma) s = s.Replace('.', ',');
        return style.Padded ? $" {s} " : s;
    }

    static double Truncated(ref Rng rng, double mean, double sd, double lo, double hi)
    {
        for (var i = 0; i < 20; i++)
        {
            var x = rng.Normal(mean, sd);
            if (x >= lo && x <= hi) return x;
        }
        return Math.Clamp(mean, lo, hi);
    }
}
