using System.Globalization;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using HoSoSucKhoe.Warehouse.Snapshots;
using HoSoSucKhoe.Warehouse.Xml130;

namespace HoSoSucKhoe.Synthetic;

/// <summary>
/// Rewrites a generated snapshot as a province's HIS would send it (docs/xml130.md, "Generator"): every facility visit
/// (kind ≠ "SL") since <c>since</c> becomes a HOSO (XML1 + XML2 + XML4 + XML5) in GIAMDINHHS envelopes of at most
/// <see cref="PerFile"/> episodes per facility; the rest (community screenings, earlier visits) stays in a registry
/// snapshot with the same persons, which is what xml130 --persons expects. Converting the envelopes back onto the
/// registry gives the snapshot's figures again.
/// </summary>
public static class Xml130Export
{
    public const int PerFile = 500;
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Returns the number of episodes written.</summary>
    public static long Write(string snapshot, string xmlFolder, string registryFolder, DateOnly? since = null)
    {
        var manifest = Manifest.Read(snapshot);
        var first = since is { } s ? new DateTimeOffset(s.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : DateTimeOffset.MinValue;
        var persons = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (b, i) in Rows(Path.Combine(snapshot, SnapshotContract.Persons.Name)))
        {
            var date = ((Date32Array)b.Column("birth_date")).GetDateOnly(i);
            var year = ((Int16Array)b.Column("birth_year")).GetValue(i) ?? 0;
            persons[Str(b, "record_id", i)!] =
            [
                Str(b, "citizen_id", i) ?? "", Str(b, "insurance_id", i) ?? "", Str(b, "full_name", i) ?? "",
                date is { } d ? d.ToString("yyyyMMdd", Inv) + "0000" : year.ToString("D4", Inv) + "00000000",
                (((Int8Array)b.Column("sex")).GetValue(i) ?? 3).ToString(Inv), Str(b, "ward_code", i) ?? "",
            ];
        }
        var sent = new HashSet<string>(StringComparer.Ordinal);
        var episodes = new List<(string Facility, string Id, StringBuilder Xml1, StringBuilder Xml2, StringBuilder Xml4, StringBuilder Xml5)>();
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (b, i) in Rows(Path.Combine(snapshot, SnapshotContract.Encounters.Name)))
        {
            var time = ((TimestampArray)b.Column("visit_time")).GetTimestamp(i)!.Value;
            var kind = Str(b, "kind", i)!;
            if (kind == "SL" || time < first) continue;
            var id = Str(b, "encounter_id", i)!;
            var facility = Str(b, "facility_code", i)!;
            var p = persons[Str(b, "record_id", i)!];
            var x1 = new StringBuilder("<TONG_HOP>");
            E(x1, "MA_LK", id); E(x1, "STT", "1"); E(x1, "MA_BN", id); E(x1, "HO_TEN", p[2]); E(x1, "SO_CCCD", p[0]);
            E(x1, "NGAY_SINH", p[3]); E(x1, "GIOI_TINH", p[4]); E(x1, "MATINH_CU_TRU", manifest.ProvinceCode); E(x1, "MAXA_CU_TRU", p[5]);
            E(x1, "MA_THE_BHYT", p[1]); E(x1, "MA_BENH_CHINH", Str(b, "icd_main", i)); E(x1, "MA_BENH_KT", Str(b, "icd_other", i));
            E(x1, "NGAY_VAO", T(time)); E(x1, "NGAY_RA", T(time)); E(x1, "MA_LOAI_KCB", kind); E(x1, "MA_CSKCB", facility);
            E(x1, "CAN_NANG", ((FloatArray)b.Column("weight_kg")).GetValue(i)?.ToString("0.##", Inv));
            x1.Append("</TONG_HOP>");
            var x5 = new StringBuilder();
            var note = Note(((Int16Array)b.Column("systolic")).GetValue(i), ((Int16Array)b.Column("diastolic")).GetValue(i),
                ((FloatArray)b.Column("height_cm")).GetValue(i), ((FloatArray)b.Column("waist_cm")).GetValue(i));
            if (note.Length > 0)
                x5.Append($"<CHI_TIET_DIEN_BIEN_BENH><MA_LK>{Esc(id)}</MA_LK><STT>1</STT><DIEN_BIEN_LS><![CDATA[{note}]]></DIEN_BIEN_LS><THOI_DIEM_DBLS>{T(time)}</THOI_DIEM_DBLS></CHI_TIET_DIEN_BIEN_BENH>");
            byId[id] = episodes.Count;
            episodes.Add((facility, id, x1, new StringBuilder(), new StringBuilder(), x5));
            sent.Add(id);
        }
        foreach (var (b, i) in Rows(Path.Combine(snapshot, SnapshotContract.Labs.Name)))
        {
            if (!byId.TryGetValue(Str(b, "encounter_id", i)!, out var e)) continue;
            var test = Str(b, "test", i)!;
            var (service, name, index) = test switch
            {
                "GLU_FASTING" => (LabCodes.GlucoseService, "Glucose lúc đói", ""),
                "GLU_RANDOM" => (LabCodes.GlucoseService, "Glucose máu bất kỳ", ""),
                "HBA1C" => (LabCodes.HbA1cService, "HbA1c", ""),
                "CHOL_TOTAL" => ("", "Cholesterol toàn phần", ""),
                "LDL" => ("", "LDL-Cholesterol", ""),
                "HDL" => ("", "HDL-Cholesterol", ""),
                "TG" => ("", "Triglycerid", ""),
                "CREATININE" => ("", "Creatinin", ""),
                _ => ("", test, test),
            };
            var x4 = episodes[e].Xml4;
            x4.Append("<CHI_TIET_CLS>");
            E(x4, "MA_LK", episodes[e].Id); E(x4, "MA_DICH_VU", service); E(x4, "MA_CHI_SO", index); E(x4, "TEN_CHI_SO", name);
            E(x4, "GIA_TRI", Str(b, "value_text", i)); E(x4, "DON_VI_DO", Str(b, "unit", i));
            E(x4, "NGAY_KQ", T(((TimestampArray)b.Column("result_time")).GetTimestamp(i)!.Value));
            x4.Append("</CHI_TIET_CLS>");
        }
        foreach (var (b, i) in Rows(Path.Combine(snapshot, SnapshotContract.Medications.Name)))
        {
            if (!byId.TryGetValue(Str(b, "encounter_id", i)!, out var e)) continue;
            var days = ((Int16Array)b.Column("days_supply")).GetValue(i);
            var x2 = episodes[e].Xml2;
            x2.Append("<CHI_TIET_THUOC>");
            E(x2, "MA_LK", episodes[e].Id); E(x2, "MA_THUOC", Str(b, "active_ingredient", i) ?? "00.0000"); E(x2, "TEN_THUOC", Str(b, "drug_name", i));
            E(x2, "LIEU_DUNG", days is { } n ? $"1 viên/lần * 1 lần/ngày * {n} ngày" : "1 viên/lần * 1 lần/ngày");
            E(x2, "NGAY_YL", T(((TimestampArray)b.Column("dispensed_time")).GetTimestamp(i)!.Value));
            x2.Append("</CHI_TIET_THUOC>");
        }

        Directory.CreateDirectory(xmlFolder);
        var created = manifest.AsOf.ToString("yyyyMMdd", Inv);
        foreach (var facility in episodes.GroupBy(e => e.Facility).OrderBy(g => g.Key, StringComparer.Ordinal))
            foreach (var (chunk, n) in facility.Chunk(PerFile).Select((c, n) => (c, n)))
            {
                using var w = new StreamWriter(Path.Combine(xmlFolder, $"GIAMDINHHS_{facility.Key}_{created}_{n + 1:D4}.xml"), false, new UTF8Encoding(false));
                w.Write($"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<GIAMDINHHS><THONGTINDONVI><MACSKCB>{Esc(facility.Key)}</MACSKCB></THONGTINDONVI><THONGTINHOSO><NGAYLAP>{created}</NGAYLAP><SOLUONGHOSO>{chunk.Length}</SOLUONGHOSO><DANHSACHHOSO>\n");
                foreach (var e in chunk)
                {
                    w.Write("<HOSO>");
                    File(w, "XML1", e.Xml1.ToString());
                    if (e.Xml2.Length > 0) File(w, "XML2", $"<CHITIEU_CHITIET_THUOC><DSACH_CHI_TIET_THUOC>{e.Xml2}</DSACH_CHI_TIET_THUOC></CHITIEU_CHITIET_THUOC>");
                    if (e.Xml4.Length > 0) File(w, "XML4", $"<CHITIEU_CHITIET_DICHVUCANLAMSANG><DSACH_CHI_TIET_CLS>{e.Xml4}</DSACH_CHI_TIET_CLS></CHITIEU_CHITIET_DICHVUCANLAMSANG>");
                    if (e.Xml5.Length > 0) File(w, "XML5", $"<CHITIEU_CHITIET_DIENBIENLAMSANG><DSACH_CHI_TIET_DIEN_BIEN_BENH>{e.Xml5}</DSACH_CHI_TIET_DIEN_BIEN_BENH></CHITIEU_CHITIET_DIENBIENLAMSANG>");
                    w.Write("</HOSO>\n");
                }
                w.Write("</DANHSACHHOSO></THONGTINHOSO><CHUKYDONVI/></GIAMDINHHS>\n");
            }
        Registry(snapshot, registryFolder, manifest, sent);
        return episodes.Count;
    }

    /// <summary>
    /// The XML5 note of a visit: blood pressure in the QĐ 4750 vital-signs code, height and waist in the note's free text,
    /// the only place XML 130 leaves for them (no XML1 field, no CSST key), written as a clinician would:
    /// <c>CSST&lt;M80_HA150/90_NT18&gt; Chiều cao: 158,5 cm; vòng bụng: 82 cm.</c>
    /// </summary>
    internal static string Note(short? systolic, short? diastolic, float? height, float? waist)
    {
        var note = new StringBuilder();
        if (systolic is { } sys && diastolic is { } dia) note.Append(Inv, $"CSST<M80_HA{sys}/{dia}_NT18>");
        var free = new List<string>(2);
        if (height is { } h && !float.IsNaN(h)) free.Add($"Chiều cao: {Vi(h)} cm");
        if (waist is { } w && !float.IsNaN(w)) free.Add($"vòng bụng: {Vi(w)} cm");
        if (free.Count > 0)
        {
            if (note.Length > 0) note.Append(' ');
            var text = string.Join("; ", free);
            note.Append(char.ToUpperInvariant(text[0])).Append(text, 1, text.Length - 1).Append('.');
        }
        return note.ToString();
    }

    /// <summary>A measurement with the Vietnamese decimal comma (158,5), as many decimals as the value has.</summary>
    static string Vi(float v) => v.ToString("0.##", Inv).Replace('.', ',');

    static void File(StreamWriter w, string type, string inner) =>
        w.Write($"<FILEHOSO><LOAIHOSO>{type}</LOAIHOSO><NOIDUNGFILE>{Convert.ToBase64String(Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + inner))}</NOIDUNGFILE></FILEHOSO>");

    /// <summary>The registry: the same persons.arrow, the history without the encounters sent as XML.</summary>
    static void Registry(string snapshot, string folder, Manifest manifest, HashSet<string> sent)
    {
        Directory.CreateDirectory(folder);
        System.IO.File.Copy(Path.Combine(snapshot, SnapshotContract.Persons.Name), Path.Combine(folder, SnapshotContract.Persons.Name), true);
        var rows = new Dictionary<string, long> { [SnapshotContract.Persons.Name] = manifest.File(SnapshotContract.Persons.Name).Rows };
        foreach (var file in new[] { SnapshotContract.Encounters, SnapshotContract.Labs, SnapshotContract.Medications })
        {
            var path = Path.Combine(folder, file.Name);
            if (System.IO.File.Exists(path)) System.IO.File.Delete(path);
            using var table = new ContractTable(file, path);
            foreach (var (b, i) in Rows(Path.Combine(snapshot, file.Name)))
                if (!sent.Contains(Str(b, "encounter_id", i)!)) table.Copy(b, i);
            table.Finish();
            rows[file.Name] = table.Rows;
        }
        using var stream = System.IO.File.Create(Path.Combine(folder, Manifest.FileName));
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("format", SnapshotContract.Format);
        json.WriteString("snapshot_id", manifest.SnapshotId + "-registry");
        json.WriteString("province_code", manifest.ProvinceCode);
        json.WriteString("as_of", manifest.AsOf.ToString("yyyy-MM-dd", Inv));
        json.WriteString("admin_codes", manifest.AdminCodes);
        json.WriteString("source", "HoSoSucKhoe synthetic generator: registry without the visits sent as XML 130");
        json.WriteStartObject("files");
        foreach (var (name, n) in rows)
        {
            json.WriteStartObject(name);
            json.WriteNumber("rows", n);
            using (var read = System.IO.File.OpenRead(Path.Combine(folder, name))) json.WriteString("sha256", Convert.ToHexStringLower(SHA256.HashData(read)));
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    static IEnumerable<(RecordBatch Batch, int Row)> Rows(string path)
    {
        using var reader = new ArrowFileReader(System.IO.File.OpenRead(path));
        while (reader.ReadNextRecordBatch() is { } b)
            using (b)
                for (var i = 0; i < b.Length; i++) yield return (b, i);
    }

    static string? Str(RecordBatch b, string column, int i) => ((StringArray)b.Column(column)).GetString(i);

    static string T(DateTimeOffset t) => t.ToString("yyyyMMddHHmm", Inv);

    static void E(StringBuilder sb, string name, string? value)
    {
        if (string.IsNullOrEmpty(value)) sb.Append('<').Append(name).Append("/>");
        else sb.Append('<').Append(name).Append('>').Append(Esc(value)).Append("</").Append(name).Append('>');
    }

    static string Esc(string s) => SecurityElement.Escape(s);
}
