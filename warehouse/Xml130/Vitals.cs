using System.Text.RegularExpressions;

namespace HoSoSucKhoe.Warehouse.Xml130;

/// <summary>
/// Blood pressure in XML5 DIEN_BIEN_LS: the QĐ 4750 vital-signs code <c>CSST&lt;M75_T37_HA120/70_ NT18&gt;</c> (parts split on
/// "_", spaces anywhere tolerated, key = leading capitals), else the free-text form "Huyết áp: 130/80" of 4210-era files.
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

    static (short, short)? Values(Match m) =>
        short.TryParse(m.Groups[1].ValueSpan, out var s) && short.TryParse(m.Groups[2].ValueSpan, out var d) ? (s, d) : null;

    [GeneratedRegex(@"CSST\s*<([^>]*)>", RegexOptions.IgnoreCase)]
    private static partial Regex CsstCode();

    [GeneratedRegex(@"(\d{2,3})/(\d{2,3})")]
    private static partial Regex Pair();

    [GeneratedRegex(@"(?:huy[ếe]t\s*[áa]p|\bHA)\s*[:=]?\s*(\d{2,3})\s*/\s*(\d{2,3})", RegexOptions.IgnoreCase)]
    private static partial Regex FreeText();
}
