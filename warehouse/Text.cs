using System.Globalization;
using System.Text;

namespace HoSoSucKhoe.Warehouse;

/// <summary>Vietnamese text folding for search and matching.</summary>
public static class Text
{
    /// <summary>Lower case, diacritics removed (đ → d), single spaces: "Phường Bạch Mai" → "phuong bach mai".</summary>
    public static string Fold(string? s)
    {
        if (string.IsNullOrWhiteSpace(s)) return "";
        var decomposed = s.Trim().ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        var space = false;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsWhiteSpace(c)) { space = true; continue; }
            if (space && sb.Length > 0) sb.Append(' ');
            space = false;
            sb.Append(c == 'đ' ? 'd' : c);
        }
        return sb.ToString();
    }
}
