using System.Globalization;
using System.Text;

namespace HoSoSucKhoe.Reports.Excel;

/// <summary>The workbook's download names: <see cref="Ascii"/> for the plain <c>filename</c>
/// ("Phu-luc-HSSK_Phuong-Co-Nhue-1_2024-12-31.xlsx") and <see cref="Unicode"/> for the RFC 5987 <c>filename*</c>
/// ("Phụ lục HSSK – Phường Cổ Nhuế 1 – 31-12-2024.xlsx"), <see cref="Rfc5987"/> being its encoded value.</summary>
public sealed record WorkbookFileName(string Ascii, string Unicode)
{
    public string Rfc5987 => "UTF-8''" + Uri.EscapeDataString(Unicode);

    public static WorkbookFileName For(string unitName, DateOnly asOf) => new(
        $"Phu-luc-HSSK_{AsciiSlug(unitName)}_{asOf:yyyy-MM-dd}.xlsx",
        $"Phụ lục HSSK – {Clean(unitName)} – {asOf.ToString("dd-MM-yyyy", CultureInfo.InvariantCulture)}.xlsx");

    /// <summary>Letters and digits without diacritics (đ → d), other characters as single hyphens.</summary>
    internal static string AsciiSlug(string text)
    {
        var sb = new StringBuilder();
        foreach (var c in text.Replace('đ', 'd').Replace('Đ', 'D').Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsAsciiLetterOrDigit(c)) sb.Append(c);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        return sb.ToString().Trim('-') is { Length: > 0 } s ? s : "don-vi";
    }

    /// <summary>Characters a file name may not hold on common systems become spaces.</summary>
    static string Clean(string text)
    {
        var bad = "\\/:*?\"<>|".ToCharArray();
        return string.Join(' ', text.Split(bad, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
