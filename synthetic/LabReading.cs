using System.Globalization;

namespace HoSoSucKhoe.Synthetic;

internal enum LabStatus : byte { Value, Qualitative, Unparseable, UnknownUnit, Implausible, Uninterpreted }

/// <summary>
/// The lab rules of docs/definitions.md, applied by the generator to the text it wrote (for truth.json): trim,
/// `,` → `.`, a leading bound sign makes a censored value whose bound is used, known qualitative words, unit
/// conversion to the canonical unit (a missing unit is canonical when the value is plausible for it).
/// </summary>
internal readonly record struct LabReading(LabStatus Status, double Value)
{
    public const string FastingGlucose = "GLU_FASTING";
    public const string RandomGlucose = "GLU_RANDOM";
    public const string HbA1c = "HBA1C";
    public static readonly string[] Interpreted =
        [FastingGlucose, RandomGlucose, HbA1c, "CHOL_TOTAL", "LDL", "HDL", "TG", "CREATININE"];

    static readonly string[] Qualitative = ["âm tính", "dương tính", "negative", "positive"];

    public bool Usable => Status == LabStatus.Value;

    public static LabReading Interpret(string test, string text, string? unit)
    {
        if (Array.IndexOf(Interpreted, test) < 0) return new(LabStatus.Uninterpreted, double.NaN);
        var t = text.Trim();
        foreach (var q in Qualitative)
            if (string.Equals(t, q, StringComparison.OrdinalIgnoreCase)) return new(LabStatus.Qualitative, double.NaN);
        t = t.Replace(',', '.');
        if (t.Length > 0 && t[0] is '>' or '<' or '≥' or '≤') t = t[1..].TrimStart();
        if (!double.TryParse(t, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var x))
            return new(LabStatus.Unparseable, double.NaN);

        double? canonical = (test, unit?.Trim().ToLowerInvariant()) switch
        {
            (FastingGlucose or RandomGlucose, "mmol/l") => x,
            (FastingGlucose or RandomGlucose, "mg/dl") => x / 18.016,
            (HbA1c, "%") => x,
            (HbA1c, "mmol/mol") => x / 10.929 + 2.15,
            ("CHOL_TOTAL" or "LDL" or "HDL" or "TG", "mmol/l") => x,
            ("CHOL_TOTAL" or "LDL" or "HDL", "mg/dl") => x / 38.67,
            ("TG", "mg/dl") => x / 88.57,
            ("CREATININE", "umol/l" or "µmol/l") => x,
            ("CREATININE", "mg/dl") => x * 88.4,
            (_, null or "") when PlausibleCanonical(test, x) => x,
            _ => null,
        };
        if (canonical is not { } v) return new(LabStatus.UnknownUnit, double.NaN);
        return Implausible(test, v) ? new(LabStatus.Implausible, v) : new(LabStatus.Value, v);
    }

    static bool Implausible(string test, double v) => test switch
    {
        FastingGlucose or RandomGlucose => v < 1 || v > 60,
        HbA1c => v < 3 || v > 20,
        _ => false,
    };

    /// <summary>Ranges in which a unit-less value is taken as canonical (glucose and HbA1c per the definitions).</summary>
    static bool PlausibleCanonical(string test, double v) => test switch
    {
        FastingGlucose or RandomGlucose => v is >= 1 and <= 60,
        HbA1c => v is >= 3 and <= 20,
        "CHOL_TOTAL" or "LDL" or "HDL" or "TG" => v is >= 0.1 and <= 30,
        "CREATININE" => v is >= 10 and <= 2000,
        _ => false,
    };
}
