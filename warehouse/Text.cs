using System.Globalization;
using System.Text;

namespace HoSoSucKhoe.Warehouse;

/// <summary>Vietnamese text folding for search and matching, and the order names are listed in.</summary>
public static class Text
{
    /// <summary>Vietnamese alphabetical order (ICU's vi collation): ă, â, đ, ê, ô, ơ, ư are letters of their own after
    /// a, a/ă, d, e, o, o/ô, u, and tones only break ties, so Ba Vì &lt; Dương Nội &lt; Đông Anh. Folding first (as search
    /// does) would put Đông Anh before Dương Nội. DuckDB's <c>COLLATE vi</c> is the same ICU collation.</summary>
    public static readonly StringComparer VietnameseOrder = StringComparer.Create(CultureInfo.GetCultureInfo("vi-VN"), ignoreCase: false);

    // Folded form of every character below U+2000 (Latin, Latin Extended, Vietnamese precomposed letters), computed
    // once: the loader folds a name per record, and Unicode decomposition per call cost more than the HMACs.
    static readonly char[] Table = BuildTable();

    static char[] BuildTable()
    {
        var table = new char[0x2000];
        for (var c = 0; c < table.Length; c++)
        {
            var s = char.ToString((char)c).ToLowerInvariant().Normalize(NormalizationForm.FormD);
            var folded = s.FirstOrDefault(ch => CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark);
            // A lone combining mark has no base letter: keep it, Fold then drops it as a mark.
            table[c] = folded == '\0' ? (char)c : folded == 'đ' ? 'd' : folded;
        }
        return table;
    }

    /// <summary>Lower case, diacritics removed (đ → d), single spaces: "Phường Bạch Mai" → "phuong bach mai".</summary>
    public static string Fold(string? s)
    {
        if (string.IsNullOrWhiteSpace(s)) return "";
        if (!s.IsNormalized(NormalizationForm.FormC)) s = s.Normalize(NormalizationForm.FormC);
        var result = new StringBuilder(s.Length);
        var space = false;
        foreach (var c in s.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c)) { space = true; continue; }
            var f = c < Table.Length ? Table[c] : char.ToLowerInvariant(c);
            if (CharUnicodeInfo.GetUnicodeCategory(f) == UnicodeCategory.NonSpacingMark) continue;
            if (space && result.Length > 0) result.Append(' ');
            space = false;
            result.Append(f);
        }
        return result.ToString();
    }
}
