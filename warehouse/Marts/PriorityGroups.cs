namespace HoSoSucKhoe.Warehouse.Marts;

/// <summary>The priority groups of a record (docs/definitions.md, "Priority groups"), as SQL over a fact_record alias
/// <c>r</c>: one definition for the KPI marts and the outreach line lists.</summary>
public static class PriorityGroups
{
    /// <summary>Group 1: 50 or older, or an underlying disease (history flag, or a hypertension/diabetes code before
    /// the snapshot date, given as <paramref name="ncdCoded"/>).</summary>
    public static string Group1(string ncdCoded) => $"""
        (r.age_years >= 50 OR coalesce(r.hx_hypertension, false) OR coalesce(r.hx_diabetes, false)
         OR coalesce(r.hx_cardiovascular, false) OR {ncdCoded})
        """;

    /// <summary>Group 2 unless in group 1: pregnant, or under 16.</summary>
    public const string Group2Core = "(coalesce(r.pregnant, false) OR r.age_years < 16)";
}
