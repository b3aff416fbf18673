using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Reports.Excel;

/// <summary>
/// The heading of column (3) names the period of the denominator (docs/definitions.md, "Excel appendix"): the latest
/// denominator year the unit's communes use; when that is the year of the as-of date, "6 tháng đầu năm" for an as-of
/// date in January–June and the whole year from July; an earlier year is named as a whole year. Communes on an older
/// year than the heading's are listed in a footnote.
/// </summary>
public static class PopulationHeading
{
    public static string For(DateOnly asOf, IReadOnlyList<DenominatorYear> years)
    {
        var year = years.Count > 0 ? years.Max(y => y.Year) : asOf.Year;
        return year == asOf.Year && asOf.Month <= 6
            ? $"Dân số trung bình 6 tháng đầu năm {year}"
            : $"Dân số trung bình năm {year}";
    }

    /// <summary>A footnote when some communes take an older year's denominator than the heading names; else null.</summary>
    public static string? Footnote(IReadOnlyList<DenominatorYear> years)
    {
        if (years.Count < 2) return null;
        var latest = years.Max(y => y.Year);
        var older = years.Where(y => y.Year < latest).OrderByDescending(y => y.Year)
            .Select(y => $"{y.Communes} xã dùng dân số năm {y.Year}");
        return $"Cột (3): {string.Join("; ", older)} (chưa có số liệu năm {latest}).";
    }
}
