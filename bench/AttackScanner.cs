using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace HoSoSucKhoe.Bench;

/// <summary>
/// Finds the generated people's names and phone numbers in a response: text decoded first (HTML and XML entities,
/// JSON <c>\uXXXX</c> escapes, Unicode NFC), a workbook unzipped and every XML part of it searched. Names are matched
/// as runs of whole words (a name of at least three words, so that a street or commune named after a person in the
/// reference data is not taken for a leak); phones as runs of 9–11 digits.
/// </summary>
sealed partial class AttackScanner
{
    readonly Dictionary<string, HashSet<string>> wardsOfName = new(StringComparer.Ordinal);
    readonly Dictionary<string, HashSet<string>> wardsOfPhone = new(StringComparer.Ordinal);
    readonly HashSet<string> firstWords = new(StringComparer.Ordinal);

    public AttackScanner(IEnumerable<(string Name, string? Phone, string Ward)> people)
    {
        foreach (var (name, phone, ward) in people)
        {
            var bare = AttackWorld.Payloads.FirstOrDefault(name.StartsWith) is { } payload ? name[payload.Length..] : name;
            var words = Words(bare.Normalize(NormalizationForm.FormC));
            if (words.Count >= 3)
            {
                var key = string.Join(' ', words.Select(w => w.Word));
                if (!wardsOfName.TryGetValue(key, out var set)) wardsOfName[key] = set = [];
                set.Add(ward);
                firstWords.Add(words[0].Word);
            }
            if (!string.IsNullOrEmpty(phone))
            {
                if (!wardsOfPhone.TryGetValue(phone, out var set)) wardsOfPhone[phone] = set = [];
                set.Add(ward);
            }
        }
    }

    public int Names => wardsOfName.Count;
    public int Phones => wardsOfPhone.Count;

    /// <summary>The text of a body as a reader would see it (workbooks: every XML part).</summary>
    public static string Readable(byte[] body, string? contentType)
    {
        string text;
        if (body.Length > 4 && body[0] == 'P' && body[1] == 'K')
        {
            var parts = new StringBuilder();
            try
            {
                using var zip = new ZipArchive(new MemoryStream(body), ZipArchiveMode.Read);
                foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase)))
                {
                    using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
                    parts.Append(reader.ReadToEnd()).Append('\n');
                }
            }
            catch (InvalidDataException) { }
            text = parts.ToString();
        }
        else if (contentType is not null && contentType.StartsWith("image/png", StringComparison.Ordinal)) return "";
        else text = Encoding.UTF8.GetString(body);
        text = JsonEscape().Replace(text, m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString());
        return WebUtility.HtmlDecode(WebUtility.HtmlDecode(text)).Normalize(NormalizationForm.FormC);
    }

    /// <summary>Names and phones in the text that belong to a ward outside <paramref name="allowedWard"/> (null: every
    /// ward is forbidden).</summary>
    public List<string> Leaks(string text, string? allowedWard)
    {
        var found = new List<string>();
        var words = Words(text);
        for (var i = 0; i + 2 < words.Count; i++)
        {
            if (!firstWords.Contains(words[i].Word)) continue;
            // The longest name starting here (a name that is the beginning of a longer one is that longer one).
            var key = new StringBuilder(words[i].Word);
            string? longest = null;
            HashSet<string>? longestWards = null;
            for (var n = 1; n < 6 && i + n < words.Count; n++)
            {
                key.Append(' ').Append(words[i + n].Word);
                if (n >= 2 && wardsOfName.TryGetValue(key.ToString(), out var wards)) (longest, longestWards) = (key.ToString(), wards);
            }
            if (longest is not null && !(allowedWard is not null && longestWards!.Contains(allowedWard))) found.Add("tên '" + longest + "'");
        }
        foreach (Match m in Digits().Matches(text))
            if (wardsOfPhone.TryGetValue(m.Value, out var wards) && !(allowedWard is not null && wards.Contains(allowedWard)))
                found.Add("số điện thoại " + m.Value);
        return found;
    }

    static List<(string Word, int At)> Words(string text) =>
        [.. WordPattern().Matches(text).Select(m => (m.Value, m.Index))];

    [GeneratedRegex(@"\\u([0-9a-fA-F]{4})")]
    private static partial Regex JsonEscape();

    [GeneratedRegex(@"\p{L}[\p{L}\p{M}]*")]
    private static partial Regex WordPattern();

    [GeneratedRegex(@"(?<!\d)\d{9,11}(?!\d)")]
    private static partial Regex Digits();
}
