using System.Globalization;
using System.Text.RegularExpressions;

namespace HoSoSucKhoe.Warehouse.Xml130;

/// <summary>
/// Measurements in XML5 DIEN_BIEN_LS. Blood pressure: the QĐ 4750 vital-signs code <c>CSST&lt;M75_T37_HA120/70_ NT18&gt;</c>
/// (parts split on "_", spaces anywhere tolerated, key = leading capitals), else the free-text form "Huyết áp: 130/80" of
/// 4210-era files. Height and waist have no field and no CSST key in XML 130, so a HIS can only write them in the note's
/// free text: "Chiều cao: 158,5 cm" (or "1,58 m"), "Vòng bụng 82 cm", read on the folded text (any case, with or without
/// diacritics, "," or "." decimal).
/// </summary>
internal static partial class Vitals
{
    public static (short Systolic, short Diastolic)? BloodPressure(string text)
    {
        foreach (Match code in CsstCode().Matches(text))
            foreach (var part in code.Groups[1].Value.Split('_'))
            {
                var p = part.Replace(" ", "", StringComparison.Ordinal);
                if (!p.StartsWith("HA", StringComparison.OrdinalIgnoreCase)) continue;
                if (Pair().Match(p, 2) is { Success: true } m && m.Index == 2) return Values(m);
            }
        return FreeText().Match(text) is { Success: true } f ? Values(f) : null;
    }

    /// <summary>Height in cm from "chiều cao [:=] N [cm|m]" (a value below 3 or followed by "m" is in metres).</summary>
    public static float? Height(string folded) =>
        HeightText().Match(folded) is { Success: true } m && Number(m.Groups[1].ValueSpan) is { } v
            ? (m.Groups[2].ValueSpan is "m" || v < 3 ? v * 100 : v) : null;

    /// <summary>Waist circumference in cm from "vòng bụng [:=] N [cm]".</summary>
    public static float? Waist(string folded) =>
        WaistText().Match(folded) is { Success: true } m ? Number(m.Groups[1].ValueSpan) : null;

    static float? Number(ReadOnlySpan<char> s)
    {
        Span<char> buffer = stackalloc char[s.Length];
        s.CopyTo(buffer);
        buffer.Replace(',', '.');
        return float.TryParse(buffer, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : null;
    }

    static (short, short)? Values(Match m) =>
        short.TryParse(m.Groups[1].ValueSpan, out var s) && short.TryParse(m.Groups[2].ValueSpan, out var d) ? (s, d) : null;

    [GeneratedRegex(@"CSST\s*<([^>]*)>", RegexOptions.IgnoreCase)]
    private static partial Regex CsstCode();

    [GeneratedRegex(@"(\d{2,3})/(\d{2,3})")]
    private static partial Regex Pair();

    [GeneratedRegex(@"chieu\s*cao\s*[:=]?\s*(\d{1,3}(?:[.,]\d{1,2})?)\s*(cm|m)?\b")]
    private static partial Regex HeightText();

    [GeneratedRegex(@"vong\s*bung\s*[:=]?\s*(\d{1,3}(?:[.,]\d{1,2})?)\s*(?:cm)?\b")]
    private static partial Regex WaistText();

    [GeneratedRegex(@"(?:huy[ếe]t\s*[áa]p|\bHA)\s*[:=]?\s*(\d{2,3})\s*/\s*(\d{2,3})", RegexOptions.IgnoreCase)]
    private static partial Regex FreeText();
}
