using System.Globalization;
using System.Text;

namespace HoSoSucKhoe.Synthetic;

/// <summary>How a record spells its person's name (probable duplicates are typed differently).</summary>
internal enum NameSpelling : byte { Normal, NoDiacritics, Upper, ExtraSpaces, Missing }

/// <summary>Name normalisation of docs/definitions.md (lower case, no diacritics, single spaces) and spelling variants.</summary>
internal static class NameText
{
    /// <summary>Lower case, diacritics removed (đ → d), runs of white space collapsed, trimmed.</summary>
    public static string Normalise(string name)
    {
        var decomposed = name.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        var space = false;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsWhiteSpace(c)) { space = sb.Length > 0; continue; }
            if (space) { sb.Append(' '); space = false; }
            sb.Append(c == 'đ' ? 'd' : c);
        }
        return sb.ToString();
    }

    /// <summary>Diacritics stripped but case kept; only used for names without đ (see <see cref="Spell"/>).</summary>
    static string StripDiacritics(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name.Normalize(NormalizationForm.FormD))
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) sb.Append(c);
        return sb.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>
    /// The written form. A name with đ is upper-cased rather than stripped, so the variant normalises to the same
    /// text whether or not a reader folds đ into d.
    /// </summary>
    public static string? Spell(string family, string middle, string given, NameSpelling spelling)
    {
        var full = $"{family} {middle} {given}";
        return spelling switch
        {
            NameSpelling.Missing => null,
            NameSpelling.NoDiacritics when !full.Contains('đ') && !full.Contains('Đ') => StripDiacritics(full),
            NameSpelling.NoDiacritics or NameSpelling.Upper => full.ToUpper(CultureInfo.GetCultureInfo("vi-VN")),
            NameSpelling.ExtraSpaces => $"{family}  {middle} {given}",
            _ => full,
        };
    }
}
