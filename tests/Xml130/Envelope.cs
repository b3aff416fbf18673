using System.Text;

namespace HoSoSucKhoe.Tests.Xml130;

/// <summary>Builds GIAMDINHHS envelopes for tests: each HOSO a list of (LOAIHOSO, inner XML text), base64-encoded as the
/// portal expects; options reproduce what HIS exports do (CDATA around the base64, wrapped lines, BOM, CRLF).</summary>
public sealed class Envelope(string facility = "01001", string created = "20250915")
{
    public List<List<(string Type, string Content)>> Hosos { get; } = [];
    public bool CdataBase64 { get; init; }
    public bool WrapBase64 { get; init; }
    public bool InnerBom { get; init; }
    public bool Crlf { get; init; }
    /// <summary>Raw NOIDUNGFILE text per (HOSO index, type), instead of the encoded content.</summary>
    public Dictionary<(int, string), string> RawContent { get; } = [];

    public Envelope Add(params (string Type, string Content)[] files) { Hosos.Add([.. files]); return this; }

    public string Write(string path)
    {
        var nl = Crlf ? "\r\n" : "\n";
        var sb = new StringBuilder();
        sb.Append("<?xml version=\"1.0\" encoding=\"utf-8\"?>").Append(nl);
        sb.Append("<GIAMDINHHS xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">").Append(nl);
        sb.Append($"<THONGTINDONVI><MACSKCB>{facility}</MACSKCB></THONGTINDONVI>").Append(nl);
        sb.Append($"<THONGTINHOSO><NGAYLAP>{created}</NGAYLAP><SOLUONGHOSO>{Hosos.Count}</SOLUONGHOSO><DANHSACHHOSO>").Append(nl);
        for (var h = 0; h < Hosos.Count; h++)
        {
            sb.Append("<HOSO>").Append(nl);
            foreach (var (type, content) in Hosos[h])
            {
                var inner = "<?xml version=\"1.0\" encoding=\"utf-8\"?>" + nl + (Crlf ? content.Replace("\n", "\r\n") : content);
                var bytes = Encoding.UTF8.GetBytes(inner);
                if (InnerBom) bytes = [0xEF, 0xBB, 0xBF, .. bytes];
                var b64 = RawContent.TryGetValue((h, type), out var raw) ? raw
                    : Convert.ToBase64String(bytes, WrapBase64 ? Base64FormattingOptions.InsertLineBreaks : Base64FormattingOptions.None);
                if (CdataBase64) b64 = "<![CDATA[" + b64 + "]]>";
                sb.Append($"<FILEHOSO><LOAIHOSO>{type}</LOAIHOSO><NOIDUNGFILE>{b64}</NOIDUNGFILE></FILEHOSO>").Append(nl);
            }
            sb.Append("</HOSO>").Append(nl);
        }
        sb.Append("</DANHSACHHOSO></THONGTINHOSO><CHUKYDONVI/>").Append(nl).Append("</GIAMDINHHS>").Append(nl);
        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
        return path;
    }

    /// <summary>An XML1 with the fields the converter reads; <paramref name="extra"/> replaces or adds elements.</summary>
    public static string Xml1(string maLk, string visit = "202509101430", string? citizen = null, string? card = null,
        string name = "Nguyễn Văn B", string birth = "195103010000", string commune = "00004", string icd = "I10",
        string? other = null, string facility = "01001", string kind = "01", params (string Field, string? Value)[] extra)
    {
        var fields = new List<(string, string?)>
        {
            ("MA_LK", maLk), ("STT", "1"), ("MA_BN", "BN" + maLk), ("HO_TEN", $"<![CDATA[{name}]]>"), ("SO_CCCD", citizen),
            ("NGAY_SINH", birth), ("GIOI_TINH", "1"), ("MATINH_CU_TRU", "01"), ("MAHUYEN_CU_TRU", null), ("MAXA_CU_TRU", commune),
            ("MA_THE_BHYT", card), ("MA_BENH_CHINH", icd), ("MA_BENH_KT", other), ("NGAY_VAO", visit), ("NGAY_RA", visit),
            ("MA_LOAI_KCB", kind), ("MA_CSKCB", facility), ("CAN_NANG", "60.50"),
        };
        foreach (var (f, v) in extra)
        {
            var i = fields.FindIndex(x => x.Item1 == f);
            if (i >= 0) fields[i] = (f, v); else fields.Add((f, v));
        }
        return "<TONG_HOP>\n" + string.Concat(fields.Where(f => f.Item2 != "<omit>").Select(f => f.Item2 is null ? $"<{f.Item1}/>" : $"<{f.Item1}>{f.Item2}</{f.Item1}>")) + "\n</TONG_HOP>";
    }

    public static string Xml4(string maLk, params (string Service, string Name, string Value, string Unit)[] rows) =>
        "<CHITIEU_CHITIET_DICHVUCANLAMSANG><DSACH_CHI_TIET_CLS>" + string.Concat(rows.Select((r, i) =>
            $"<CHI_TIET_CLS><MA_LK>{maLk}</MA_LK><STT>{i + 1}</STT><MA_DICH_VU>{r.Service}</MA_DICH_VU><MA_CHI_SO/><TEN_CHI_SO>{r.Name}</TEN_CHI_SO><GIA_TRI>{r.Value}</GIA_TRI><DON_VI_DO>{r.Unit}</DON_VI_DO><NGAY_KQ>202509101530</NGAY_KQ></CHI_TIET_CLS>"))
        + "</DSACH_CHI_TIET_CLS></CHITIEU_CHITIET_DICHVUCANLAMSANG>";

    public static string Xml5(string maLk, string text, string time = "202509101440") =>
        $"<CHITIEU_CHITIET_DIENBIENLAMSANG><DSACH_CHI_TIET_DIEN_BIEN_BENH><CHI_TIET_DIEN_BIEN_BENH><MA_LK>{maLk}</MA_LK><STT>1</STT><DIEN_BIEN_LS><![CDATA[{text}]]></DIEN_BIEN_LS><THOI_DIEM_DBLS>{time}</THOI_DIEM_DBLS></CHI_TIET_DIEN_BIEN_BENH></DSACH_CHI_TIET_DIEN_BIEN_BENH></CHITIEU_CHITIET_DIENBIENLAMSANG>";

    public static string Xml2(string maLk, string name, string code, string dose = "1 viên/lần * 1 lần/ngày * 30 ngày") =>
        $"<CHITIEU_CHITIET_THUOC><DSACH_CHI_TIET_THUOC><CHI_TIET_THUOC><MA_LK>{maLk}</MA_LK><STT>1</STT><MA_THUOC>{code}</MA_THUOC><TEN_THUOC>{name}</TEN_THUOC><LIEU_DUNG>{dose}</LIEU_DUNG><NGAY_YL>202509101500</NGAY_YL></CHI_TIET_THUOC></DSACH_CHI_TIET_THUOC></CHITIEU_CHITIET_THUOC>";
}
