using System.Xml;

namespace HoSoSucKhoe.Warehouse.Xml130;

/// <summary>One HOSO of an envelope: its inner files as read (LOAIHOSO, base64 text), decoded by <see cref="Decode"/>
/// (LOAIHOSO → bytes, or why they could not be) on the thread that parses the episode.</summary>
internal sealed class RawHoso
{
    public int Position { get; init; }
    public List<(string Type, string Base64)> Encoded { get; } = [];
    public Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);
    public List<(string Type, string Reason)> Errors { get; } = [];

    public void Decode()
    {
        foreach (var (type, text) in Encoded)
        {
            var buffer = new byte[text.Length * 3 / 4 + 3];
            if (!Convert.TryFromBase64String(text.Trim(), buffer, out var written))
                Errors.Add((type, $"NOIDUNGFILE của {type} không phải base64 hợp lệ."));
            else if (!Files.TryAdd(type, buffer[..written]))
                Errors.Add((type, $"HOSO có hai tệp {type}."));
        }
        Encoded.Clear();
    }
}

/// <summary>The envelope's header: MACSKCB and NGAYLAP (read before the HOSO, for the order of corrections).</summary>
internal sealed record EnvelopeHeader(string? Facility, string? Created);

/// <summary>The file is not a GIAMDINHHS envelope we can read (not XML, wrong root, truncated).</summary>
internal sealed class EnvelopeException(string reason, int? position = null) : Exception(reason)
{
    public int? Position { get; } = position;
}

/// <summary>
/// Streams a GIAMDINHHS file with <see cref="XmlReader"/>: one HOSO at a time, so memory is bounded by the largest
/// episode, not by the file. NOIDUNGFILE may be wrapped in CDATA and carry line breaks (base64 whitespace is ignored).
/// </summary>
internal static class EnvelopeReader
{
    internal static readonly XmlReaderSettings Settings = new()
    {
        IgnoreWhitespace = true, IgnoreComments = true, IgnoreProcessingInstructions = true,
        DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, CloseInput = true,
    };

    /// <summary>Reads the header only (stops at the first HOSO).</summary>
    public static EnvelopeHeader Header(string path)
    {
        string? facility = null, created = null;
        try
        {
            using var reader = XmlReader.Create(File.OpenRead(path), Settings);
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element) continue;
                switch (reader.LocalName)
                {
                    case "MACSKCB": facility = reader.ReadElementContentAsString().Trim(); break;
                    case "NGAYLAP": created = reader.ReadElementContentAsString().Trim(); break;
                    case "HOSO": return new EnvelopeHeader(facility, created);
                }
            }
        }
        catch (XmlException) { } // the full read reports it, with its position
        return new EnvelopeHeader(facility, created);
    }

    /// <summary>Yields each HOSO in order; <paramref name="facility"/> receives MACSKCB as soon as it is read.</summary>
    public static IEnumerable<RawHoso> Read(string path, Action<string> facility)
    {
        using var reader = Open(path);
        var position = 0;
        var rootSeen = false;
        while (true)
        {
            bool more;
            try { more = reader.Read(); }
            catch (XmlException e) { throw new EnvelopeException($"tệp không phải XML hợp lệ (dòng {e.LineNumber}, cột {e.LinePosition}): {XmlErrors.Describe(e)}", position + 1); }
            if (!more) break;
            if (reader.NodeType != XmlNodeType.Element) continue;
            if (!rootSeen)
            {
                rootSeen = true;
                if (reader.LocalName != "GIAMDINHHS")
                    throw new EnvelopeException($"phần tử gốc là <{reader.LocalName}>, không phải <GIAMDINHHS> (tệp hồ sơ giám định theo QĐ 130/4750).");
                continue;
            }
            if (reader.LocalName == "MACSKCB") { facility(Safe(reader, position).Trim()); continue; }
            if (reader.LocalName != "HOSO") continue;
            position++;
            yield return ReadHoso(reader, position);
        }
        if (!rootSeen) throw new EnvelopeException("tệp rỗng, không có phần tử XML nào.");
    }

    static XmlReader Open(string path)
    {
        try { return XmlReader.Create(File.OpenRead(path), Settings); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new EnvelopeException("không mở được tệp để đọc (tệp không còn hoặc không có quyền đọc)."); }
    }

    static string Safe(XmlReader reader, int position)
    {
        try { return reader.ReadElementContentAsString(); }
        catch (XmlException e) { throw new EnvelopeException($"tệp không phải XML hợp lệ (dòng {e.LineNumber}, cột {e.LinePosition}): {XmlErrors.Describe(e)}", position); }
    }

    static RawHoso ReadHoso(XmlReader reader, int position)
    {
        var hoso = new RawHoso { Position = position };
        if (reader.IsEmptyElement) return hoso;
        var depth = reader.Depth;
        string? type = null;
        try
        {
            // ReadElementContentAsString leaves the reader on the following node, so the loop reads on only otherwise.
            var more = reader.Read();
            while (more && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
            {
                if (reader.NodeType != XmlNodeType.Element) { more = reader.Read(); continue; }
                switch (reader.LocalName)
                {
                    case "LOAIHOSO":
                        type = reader.ReadElementContentAsString().Trim().ToUpperInvariant();
                        break;
                    case "NOIDUNGFILE":
                        hoso.Encoded.Add((type ?? "?", reader.ReadElementContentAsString()));
                        break;
                    case "FILEHOSO":
                        type = null;
                        more = reader.Read();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
                more = more && !reader.EOF;
            }
        }
        catch (XmlException e) { throw new EnvelopeException($"tệp không phải XML hợp lệ (dòng {e.LineNumber}, cột {e.LinePosition}): {XmlErrors.Describe(e)}", position); }
        return hoso;
    }
}

/// <summary>Why an <see cref="XmlReader"/> stopped, in Vietnamese: the framework's English message is never shown (it
/// would reach the report and the summary). A DTD is refused outright (no entity is ever expanded or fetched).</summary>
internal static class XmlErrors
{
    public static string Describe(XmlException e)
    {
        var m = e.Message;
        bool Has(string s) => m.Contains(s, StringComparison.OrdinalIgnoreCase);
        if (Has("DTD")) return "tệp có khai báo DTD (<!DOCTYPE>), không được phép: các thực thể không bao giờ được mở rộng hay tải về";
        if (Has("end of file")) return "tệp kết thúc trước khi các phần tử được đóng (bị cắt cụt)";
        if (Has("encoding")) return "byte không hợp lệ với bảng mã của tệp (cần UTF-8) hoặc bảng mã không được hỗ trợ";
        if (Has("hexadecimal value")) return "có ký tự không được phép trong XML (ký tự điều khiển hoặc tham chiếu ký tự sai)";
        if (Has("does not match the end tag") || Has("end tag")) return "thẻ mở và thẻ đóng không khớp nhau";
        if (Has("entity")) return "tham chiếu thực thể không được khai báo";
        if (Has("child elements")) return "phần tử chứa phần tử con ở chỗ chỉ được có văn bản";
        if (Has("multiple root") || Has("root element")) return "có nhiều hơn một phần tử gốc hoặc nội dung ngoài phần tử gốc";
        if (Has("attribute")) return "thuộc tính XML sai cú pháp";
        if (Has("name")) return "tên phần tử sai cú pháp";
        return "cấu trúc XML bị hỏng";
    }
}
