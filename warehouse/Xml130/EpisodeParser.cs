using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;

namespace HoSoSucKhoe.Warehouse.Xml130;

/// <summary>An episode that cannot be converted: the field and the Vietnamese reason.</summary>
internal sealed class EpisodeRejectedException(string? maLk, string field, string reason) : Exception(reason)
{
    public string? MaLk { get; } = maLk;
    public string Field { get; } = field;
}

/// <summary>
/// Turns a HOSO's inner files into an <see cref="Episode"/> (docs/xml130.md, "Conversion rules"). Rows are found by
/// element name anywhere in each inner file, so 4130/4750 files and 4210-era files (other roots, MA_THE, MA_BENH,
/// MA_BENHKHAC, DIEN_BIEN) read alike.
/// </summary>
internal static partial class EpisodeParser
{
    const string Xml1Row = "TONG_HOP", Xml2Row = "CHI_TIET_THUOC", Xml4Row = "CHI_TIET_CLS", Xml5Row = "CHI_TIET_DIEN_BIEN_BENH";

    /// <summary>Decodes and parses one HOSO; safe to call from several threads at once (one HOSO per call).</summary>
    public static Episode Parse(RawHoso hoso, string? envelopeFacility)
    {
        hoso.Decode();
        if (!hoso.Files.TryGetValue("XML1", out var xml1))
        {
            var (type, reason) = hoso.Errors.FirstOrDefault(e => e.Type == "XML1");
            throw new EpisodeRejectedException(null, "XML1", reason ?? "HOSO không có tệp XML1 (bảng tổng hợp).");
        }
        var fields = new Dictionary<string, string>(72, StringComparer.Ordinal);
        var rows = 0;
        ForEachRow(xml1, "XML1", Xml1Row, null, f =>
        {
            if (rows++ == 0) foreach (var kv in f) fields[kv.Key] = kv.Value;
        });
        if (rows == 0) throw new EpisodeRejectedException(null, "XML1", "tệp XML1 không có phần tử <TONG_HOP>.");

        var maLk = Get(fields, "MA_LK");
        if (maLk is null) throw new EpisodeRejectedException(null, "MA_LK", "thiếu MA_LK (mã liên kết của lượt khám).");
        var error = hoso.Errors.FirstOrDefault();
        if (error.Type is not null) throw new EpisodeRejectedException(maLk, error.Type, error.Reason);

        var format4210 = !fields.ContainsKey("MA_THE_BHYT") && !fields.ContainsKey("MA_BENH_CHINH")
            && (fields.ContainsKey("MA_THE") || fields.ContainsKey("MA_BENH"));
        var facility = Get(fields, "MA_CSKCB") ?? envelopeFacility;
        if (facility is null) throw new EpisodeRejectedException(maLk, "MA_CSKCB", "thiếu mã cơ sở khám chữa bệnh (MA_CSKCB và MACSKCB đều trống).");
        var visitText = Get(fields, "NGAY_VAO") ?? throw new EpisodeRejectedException(maLk, "NGAY_VAO", "thiếu NGAY_VAO (thời điểm đến khám).");
        if (!Xml130Dates.TryTime(visitText, out var visit))
            throw new EpisodeRejectedException(maLk, "NGAY_VAO", $"ngày giờ '{visitText}' không hợp lệ (cần yyyyMMddHHmm, ngày có thật).");
        if (Get(fields, "NGAY_RA") is { } outText && !Xml130Dates.TryTime(outText, out _))
            throw new EpisodeRejectedException(maLk, "NGAY_RA", $"ngày giờ '{outText}' không hợp lệ (cần yyyyMMddHHmm, ngày có thật).");
        var kind = Get(fields, "MA_LOAI_KCB") ?? throw new EpisodeRejectedException(maLk, "MA_LOAI_KCB", "thiếu MA_LOAI_KCB (loại khám chữa bệnh).");
        if (kind.Length == 1) kind = "0" + kind; // 4210 and number-typed exports drop the leading zero

        var main = Icd(maLk, format4210 ? "MA_BENH" : "MA_BENH_CHINH", Get(fields, format4210 ? "MA_BENH" : "MA_BENH_CHINH"));
        var otherField = format4210 ? "MA_BENHKHAC" : "MA_BENH_KT";
        string? other = null;
        if (Get(fields, otherField) is { } otherText)
        {
            var codes = otherText.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var c in codes) Icd(maLk, otherField, c);
            other = codes.Length == 0 ? null : string.Join(';', codes);
        }

        short birthYear = 0;
        DateOnly? birthDate = null;
        if (Get(fields, "NGAY_SINH") is { } birthText && !Xml130Dates.TryBirth(birthText, out birthYear, out birthDate))
            throw new EpisodeRejectedException(maLk, "NGAY_SINH", $"ngày sinh '{birthText}' không hợp lệ (cần yyyyMMddHHmm, yyyy00000000 khi chỉ biết năm).");
        var sex = Get(fields, "GIOI_TINH") is { } sexText && sbyte.TryParse(sexText, out var s) && s is >= 1 and <= 3 ? s : (sbyte)3;
        var cards = (Get(fields, format4210 ? "MA_THE" : "MA_THE_BHYT") ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        var episode = new Episode
        {
            Facility = facility, MaLk = maLk, VisitTime = visit, Kind = kind, IcdMain = main, IcdOther = other,
            Weight = Weight(Get(fields, "CAN_NANG")), Format4210 = format4210,
            CitizenId = Get(fields, "SO_CCCD"), Cards = cards, Name = Get(fields, "HO_TEN"), BirthYear = birthYear,
            BirthDate = birthDate, Sex = sex, Province = Get(fields, "MATINH_CU_TRU"), District = Get(fields, "MAHUYEN_CU_TRU"),
            Commune = Get(fields, "MAXA_CU_TRU"),
        };
        if (hoso.Files.TryGetValue("XML2", out var xml2))
            ForEachRow(xml2, "XML2", Xml2Row, maLk, f => { episode.Rows.Xml2++; if (Own(episode, f)) Medication(episode, f); });
        if (hoso.Files.TryGetValue("XML4", out var xml4))
            ForEachRow(xml4, "XML4", Xml4Row, maLk, f => { episode.Rows.Xml4++; if (Own(episode, f)) Lab(episode, f); });
        if (hoso.Files.TryGetValue("XML5", out var xml5))
        {
            // Each measurement from the earliest note that has it.
            long bpAt = long.MaxValue, heightAt = long.MaxValue, waistAt = long.MaxValue;
            ForEachRow(xml5, "XML5", Xml5Row, maLk, f =>
            {
                episode.Rows.Xml5++;
                if (!Own(episode, f)) return;
                var text = Get(f, "DIEN_BIEN_LS") ?? Get(f, "DIEN_BIEN");
                var time = Time(maLk, "THOI_DIEM_DBLS", Get(f, "THOI_DIEM_DBLS")) ?? visit;
                if (text is null) return;
                if (time < bpAt && Vitals.BloodPressure(text) is { } bp)
                {
                    bpAt = time;
                    (episode.Systolic, episode.Diastolic) = bp;
                }
                if (time >= heightAt && time >= waistAt) return;
                var folded = Text.Fold(text);
                if (time < heightAt && Vitals.Height(folded) is { } h) { heightAt = time; episode.Height = h; }
                if (time < waistAt && Vitals.Waist(folded) is { } w) { waistAt = time; episode.Waist = w; }
            });
        }
        return episode;
    }

    /// <summary>A child row belongs to the episode unless it names another MA_LK (then it is skipped and counted, never
    /// attached to the wrong visit); rows without MA_LK belong to their HOSO.</summary>
    static bool Own(Episode e, Dictionary<string, string> f)
    {
        if (Get(f, "MA_LK") is not { } own || own == e.MaLk) return true;
        e.Rows.OtherMaLk++;
        return false;
    }

    static void Medication(Episode e, Dictionary<string, string> f)
    {
        var name = Get(f, "TEN_THUOC");
        if (name is null) { e.Rows.Xml2WithoutName++; return; } // coded-only lines (oxygen, blood): nothing to classify
        var code = Get(f, "MA_THUOC");
        var time = Time(e.MaLk, "NGAY_YL", Get(f, "NGAY_YL")) ?? e.VisitTime;
        e.Meds.Add(new MedItem(time, name, code is null or "00.0000" ? null : code, DaysSupply(Get(f, "LIEU_DUNG"))));
    }

    static void Lab(Episode e, Dictionary<string, string> f)
    {
        // The value as given (GIA_TRI is text: "6,8", " <5.5", "Âm tính"); a row without a value is not a result yet.
        if (!f.TryGetValue("GIA_TRI", out var value) || string.IsNullOrWhiteSpace(value)) { e.Rows.Xml4WithoutValue++; return; }
        var test = LabCodes.Test(Get(f, "MA_DICH_VU"), Get(f, "MA_CHI_SO"), Get(f, "TEN_CHI_SO"));
        if (test is null) { e.Rows.Xml4WithoutTest++; return; }
        if (!LabCodes.Interpreted(test)) e.Rows.Xml4Uninterpreted++;
        var time = Time(e.MaLk, "NGAY_KQ", Get(f, "NGAY_KQ")) ?? e.VisitTime;
        e.Labs.Add(new LabItem(time, test, value, Get(f, "DON_VI_DO")));
    }

    static long? Time(string maLk, string field, string? text)
    {
        if (text is null) return null;
        return Xml130Dates.TryTime(text, out var t) ? t
            : throw new EpisodeRejectedException(maLk, field, $"ngày giờ '{text}' không hợp lệ (cần yyyyMMddHHmm, ngày có thật).");
    }

    static string? Icd(string maLk, string field, string? code)
    {
        if (code is null) return null;
        return IcdShape().IsMatch(code) ? code
            : throw new EpisodeRejectedException(maLk, field, $"mã ICD-10 '{code}' không hợp lệ (cần dạng chữ cái + 2 chữ số, ví dụ I10, E11.9).");
    }

    static float? Weight(string? text) =>
        text is not null && float.TryParse(text.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var w) && w > 0 ? w : null;

    static short? DaysSupply(string? dose) =>
        dose is not null && DaysPart().Match(dose) is { Success: true } m && short.TryParse(m.Groups[1].ValueSpan, out var d) && d > 0 ? d : null;

    static string? Get(Dictionary<string, string> f, string key) =>
        f.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

    // The inner files parsed on one thread share a name table (not thread-safe, hence one per thread), so element names
    // are atomised once rather than once per file; only the fields the conversion reads are turned into strings (the
    // others are skipped, still checked as XML).
    [ThreadStatic] static XmlReaderSettings? inner;

    static XmlReaderSettings Inner => inner ??= Clone(EnvelopeReader.Settings);

    static XmlReaderSettings Clone(XmlReaderSettings s)
    {
        var c = s.Clone();
        c.NameTable = new NameTable();
        c.CloseInput = false;
        return c;
    }

    static HashSet<string> Fields(params string[] names) => new(names, StringComparer.Ordinal);

    static readonly HashSet<string> Xml1Fields = Fields("MA_LK", "MA_CSKCB", "NGAY_VAO", "NGAY_RA", "MA_LOAI_KCB", "MA_BENH_CHINH",
        "MA_BENH_KT", "MA_BENH", "MA_BENHKHAC", "NGAY_SINH", "GIOI_TINH", "MA_THE_BHYT", "MA_THE", "SO_CCCD", "HO_TEN", "MATINH_CU_TRU",
        "MAHUYEN_CU_TRU", "MAXA_CU_TRU", "CAN_NANG");
    static readonly HashSet<string> Xml2Fields = Fields("MA_LK", "TEN_THUOC", "MA_THUOC", "NGAY_YL", "LIEU_DUNG");
    static readonly HashSet<string> Xml4Fields = Fields("MA_LK", "GIA_TRI", "MA_DICH_VU", "MA_CHI_SO", "TEN_CHI_SO", "NGAY_KQ", "DON_VI_DO");
    static readonly HashSet<string> Xml5Fields = Fields("MA_LK", "DIEN_BIEN_LS", "DIEN_BIEN", "THOI_DIEM_DBLS");

    static HashSet<string> FieldsOf(string rowName) => rowName switch
    {
        Xml1Row => Xml1Fields, Xml2Row => Xml2Fields, Xml4Row => Xml4Fields, _ => Xml5Fields,
    };

    [ThreadStatic] static Dictionary<string, string>? rowFields;

    /// <summary>Calls <paramref name="row"/> with the child elements (name → text) of every <paramref name="rowName"/>
    /// that the conversion reads.</summary>
    static void ForEachRow(byte[] content, string type, string rowName, string? maLk, Action<Dictionary<string, string>> row)
    {
        var wanted = FieldsOf(rowName);
        var fields = rowFields ??= new Dictionary<string, string>(32, StringComparer.Ordinal);
        try
        {
            using var stream = new MemoryStream(content, writable: false);
            using var reader = XmlReader.Create(stream, Inner);
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element || reader.LocalName != rowName) continue;
                fields.Clear();
                if (!reader.IsEmptyElement)
                {
                    var depth = reader.Depth;
                    var more = reader.Read();
                    while (more && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
                    {
                        if (reader.NodeType != XmlNodeType.Element) { more = reader.Read(); continue; }
                        var name = reader.LocalName;
                        if (wanted.Contains(name)) fields[name] = reader.ReadElementContentAsString();
                        else reader.Skip();
                        more = !reader.EOF;
                    }
                }
                row(fields);
            }
        }
        catch (XmlException e)
        {
            throw new EpisodeRejectedException(maLk, type, $"nội dung {type} không phải XML hợp lệ (dòng {e.LineNumber}, cột {e.LinePosition}): {XmlErrors.Describe(e)}.");
        }
    }

    [GeneratedRegex(@"^[A-TV-Z][0-9]{2}(\.?[0-9A-Z]{1,2})?$|^U0[7-9](\.?[0-9A-Z]{1,2})?$")]
    private static partial Regex IcdShape();

    [GeneratedRegex(@"\*\s*(\d{1,3})\s*ng[àa]y", RegexOptions.IgnoreCase)]
    private static partial Regex DaysPart();
}
