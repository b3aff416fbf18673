namespace HoSoSucKhoe.Warehouse.Xml130;

/// <summary>
/// XML4 row → the labs.arrow test code: the tests the warehouse interprets are recognised by the QĐ 7603 service code
/// (MA_DICH_VU) or by the folded index name (TEN_CHI_SO); any other row keeps its own code (MA_CHI_SO, else MA_DICH_VU),
/// which the warehouse stores without interpreting.
/// </summary>
internal static class LabCodes
{
    public const string GlucoseService = "23.0075.1494", HbA1cService = "23.0083.1523";

    static readonly HashSet<string> Known = ["GLU_FASTING", "GLU_RANDOM", "HBA1C", "CHOL_TOTAL", "LDL", "HDL", "TG", "CREATININE"];

    /// <summary>Whether the warehouse interprets the test (parses its value and unit); other codes are stored as given.</summary>
    public static bool Interpreted(string test) => Known.Contains(test);

    public static string? Test(string? service, string? index, string? name)
    {
        if (index is not null && Known.Contains(index.ToUpperInvariant())) return index.ToUpperInvariant();
        var folded = Text.Fold(name);
        if (service == HbA1cService || folded.Contains("hba1c", StringComparison.Ordinal)) return "HBA1C";
        if (service == GlucoseService || folded.Contains("glucose", StringComparison.Ordinal) || folded.Contains("duong huyet", StringComparison.Ordinal))
            return folded.Contains("bat ky", StringComparison.Ordinal) || folded.Contains("ngau nhien", StringComparison.Ordinal)
                || folded.Contains("sau an", StringComparison.Ordinal) ? "GLU_RANDOM" : "GLU_FASTING";
        if (folded.Contains("ldl", StringComparison.Ordinal)) return "LDL";
        if (folded.Contains("hdl", StringComparison.Ordinal)) return "HDL";
        if (folded.Contains("triglycerid", StringComparison.Ordinal)) return "TG";
        if (folded.Contains("cholesterol", StringComparison.Ordinal)) return "CHOL_TOTAL";
        if (folded.Contains("creatinin", StringComparison.Ordinal)) return "CREATININE";
        return index ?? service ?? (folded.Length > 0 ? folded.ToUpperInvariant() : null);
    }
}
