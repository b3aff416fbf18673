using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Bench;

/// <summary>One column of an Arrow file being built or mutated: its name, type, nullability and values (null allowed).
/// Values are CLR values of the type (string, short, sbyte, int, long, DateOnly, bool, float, DateTime) or byte[]
/// for raw (possibly invalid UTF-8) strings.</summary>
public sealed class FuzzColumn(string name, IArrowType type, bool nullable, List<object?> values)
{
    public string Name { get; set; } = name;
    public IArrowType Type { get; set; } = type;
    public bool Nullable { get; set; } = nullable;
    public List<object?> Values { get; set; } = values;
}

/// <summary>
/// The valid inputs the fuzzer starts from: a tiny hssk-snapshot/1 folder (Hà Nội, 2025 codes, a dozen records with
/// encounters, labs and medications), a population CSV of Hà Nội communes, and a GIAMDINHHS envelope whose episodes
/// belong to the snapshot's records. Deterministic; also used by tests/Fuzz to rebuild a case.
/// </summary>
public static class FuzzInputs
{
    public const string ProvinceCode = "01";
    static readonly DateTime Visit = new(2025, 9, 10, 8, 30, 0);

    /// <summary>Three 2025 communes of Hà Nội (Ba Đình, Ngọc Hà, Giảng Võ).</summary>
    public static readonly string[] Wards = ["00004", "00008", "00025"];

    /// <summary>The four files' columns, in contract order, with <paramref name="persons"/> records.</summary>
    public static Dictionary<string, List<FuzzColumn>> Tables(int persons = 12)
    {
        var r = Enumerable.Range(1, persons).ToList();
        List<object?> L<T>(Func<int, T> f) => r.Select(i => (object?)f(i)).ToList();
        var tables = new Dictionary<string, List<FuzzColumn>>();
        List<FuzzColumn> Build(ContractFile file, Dictionary<string, List<object?>> values) =>
            file.Columns.Select(c => new FuzzColumn(c.Name, c.ArrowType, c.Nullable,
                values.TryGetValue(c.Name, out var v) ? v : Enumerable.Repeat<object?>(null, values.Values.First().Count).ToList())).ToList();
        tables[SnapshotContract.Persons.Name] = Build(SnapshotContract.Persons, new()
        {
            ["record_id"] = L(i => $"HS{i:D4}"), ["citizen_id"] = L(i => $"0011900{i:D5}"), ["insurance_id"] = L(i => $"GD40101000{i:D5}"),
            ["full_name"] = L(i => $"Nguyễn Văn {(char)('A' + i)}"), ["birth_year"] = L(i => (short)(1950 + i)),
            ["birth_date"] = L(i => new DateOnly(1950 + i, 3, 1)), ["sex"] = L(i => (sbyte)(1 + i % 2)), ["ward_code"] = L(i => Wards[i % Wards.Length]),
            ["residence"] = L(_ => (sbyte)1), ["phone"] = L(i => $"09120000{i:D2}"), ["created_date"] = L(_ => new DateOnly(2024, 1, 1)),
            ["updated_date"] = L(_ => new DateOnly(2025, 9, 1)), ["first_exam_date"] = L(_ => new DateOnly(2024, 2, 1)),
            ["verified"] = L(i => i % 3 != 0), ["abo_group"] = L(_ => "O"), ["rh"] = L(_ => "+"), ["height_cm"] = L(i => 150f + i),
            ["weight_kg"] = L(i => 50f + i), ["hx_hypertension"] = L(i => i % 4 == 1), ["hx_diabetes"] = L(i => i % 5 == 2),
            ["hx_cardiovascular"] = L(_ => false), ["smoking"] = L(i => i % 2 == 0), ["alcohol"] = L(_ => false), ["inactive"] = L(_ => false),
            ["history_recorded"] = L(_ => true), ["vaccination_recorded"] = L(_ => true),
        });
        tables[SnapshotContract.Encounters.Name] = Build(SnapshotContract.Encounters, new()
        {
            ["encounter_id"] = L(i => $"LK{i:D4}"), ["record_id"] = L(i => $"HS{i:D4}"), ["facility_code"] = L(_ => "01001"),
            ["visit_time"] = L(i => Visit.AddDays(i % 20)), ["kind"] = L(_ => "01"), ["icd_main"] = L(i => i % 3 == 1 ? "I10" : "J06"),
            ["icd_other"] = L(i => i % 4 == 2 ? "K29;E11.9" : null), ["systolic"] = L(i => (short)(115 + i * 3)),
            ["diastolic"] = L(i => (short)(75 + i)), ["weight_kg"] = L(i => i % 2 == 0 ? 60f : (float?)null),
        });
        var labRows = r.Where(i => i % 2 == 1).ToList();
        tables[SnapshotContract.Labs.Name] = Build(SnapshotContract.Labs, new()
        {
            ["encounter_id"] = labRows.Select(i => (object?)$"LK{i:D4}").ToList(), ["record_id"] = labRows.Select(i => (object?)$"HS{i:D4}").ToList(),
            ["result_time"] = labRows.Select(i => (object?)Visit.AddDays(i % 20).AddHours(2)).ToList(),
            ["test"] = labRows.Select(i => (object?)(i % 3 == 0 ? "HBA1C" : "GLU_FASTING")).ToList(),
            ["value_text"] = labRows.Select(i => (object?)(i % 3 == 0 ? "6,1" : "7,2")).ToList(),
            ["unit"] = labRows.Select(i => (object?)(i % 3 == 0 ? "%" : "mmol/L")).ToList(),
        });
        var medRows = r.Where(i => i % 3 != 2).ToList();
        tables[SnapshotContract.Medications.Name] = Build(SnapshotContract.Medications, new()
        {
            ["encounter_id"] = medRows.Select(i => (object?)$"LK{i:D4}").ToList(), ["record_id"] = medRows.Select(i => (object?)$"HS{i:D4}").ToList(),
            ["dispensed_time"] = medRows.Select(i => (object?)Visit.AddDays(i % 20).AddHours(3)).ToList(),
            ["drug_name"] = medRows.Select(i => (object?)(i % 2 == 0 ? "Amlodipin 5mg" : "Metformin 850mg")).ToList(),
            ["active_ingredient"] = medRows.Select(i => (object?)(i % 2 == 0 ? "amlodipin" : "metformin")).ToList(),
            ["atc_code"] = medRows.Select(i => (object?)(i % 2 == 0 ? "C08CA01" : "A10BA02")).ToList(),
            ["days_supply"] = medRows.Select(_ => (object?)(short)30).ToList(),
        });
        return tables;
    }

    /// <summary>Writes a snapshot folder: the four Arrow files and a manifest with true row counts and checksums.</summary>
    public static string WriteSnapshot(string folder, string snapshotId, string asOf, Dictionary<string, List<FuzzColumn>>? tables = null)
    {
        tables ??= Tables();
        Directory.CreateDirectory(folder);
        foreach (var (name, columns) in tables) WriteArrow(Path.Combine(folder, name), columns);
        var files = new JsonObject();
        foreach (var file in SnapshotContract.Files)
            files[file.Name] = new JsonObject { ["rows"] = tables[file.Name][0].Values.Count, ["sha256"] = Sha(Path.Combine(folder, file.Name)) };
        var manifest = new JsonObject
        {
            ["format"] = SnapshotContract.Format, ["snapshot_id"] = snapshotId, ["province_code"] = ProvinceCode, ["as_of"] = asOf,
            ["admin_codes"] = ReferenceData.System2025, ["source"] = "fuzz", ["files"] = files,
        };
        File.WriteAllText(Path.Combine(folder, Manifest.FileName), manifest.ToJsonString());
        return folder;
    }

    public static string Sha(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }

    /// <summary>Writes the columns as one Arrow IPC file, in <paramref name="batches"/> record batches.</summary>
    public static void WriteArrow(string path, List<FuzzColumn> columns, int batches = 1)
    {
        var sb = new Schema.Builder();
        foreach (var c in columns) sb.Field(f => f.Name(c.Name).DataType(c.Type).Nullable(c.Nullable));
        var schema = sb.Build();
        var rows = columns.Count == 0 ? 0 : columns.Max(c => c.Values.Count);
        using var stream = File.Create(path);
        using var writer = new ArrowFileWriter(stream, schema);
        var per = Math.Max(1, (rows + batches - 1) / Math.Max(1, batches));
        for (var start = 0; start < rows || (start == 0 && rows == 0); start += per)
        {
            var n = Math.Min(per, rows - start);
            var arrays = columns.Select(c => Build(c.Type, Enumerable.Range(start, n).Select(i => i < c.Values.Count ? c.Values[i] : null).ToList())).ToArray();
            writer.WriteRecordBatch(new RecordBatch(schema, arrays, n));
            if (rows == 0) break;
        }
        writer.WriteEnd();
    }

    static IArrowArray Build(IArrowType type, List<object?> values)
    {
        switch (type)
        {
            case StringType:
                var s = new StringArray.Builder();
                foreach (var v in values)
                    if (v is null) s.AppendNull();
                    else if (v is byte[] raw) s.Append(raw.AsSpan());
                    else s.Append(Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture));
                return s.Build();
            case Int16Type: return Ints(new Int16Array.Builder(), values, v => Convert.ToInt16(v));
            case Int8Type: return Ints(new Int8Array.Builder(), values, v => Convert.ToSByte(v));
            case Int32Type: return Ints(new Int32Array.Builder(), values, v => Convert.ToInt32(v));
            case Int64Type: return Ints(new Int64Array.Builder(), values, v => Convert.ToInt64(v));
            case DoubleType: return Ints(new DoubleArray.Builder(), values, v => Convert.ToDouble(v));
            case FloatType: return Ints(new FloatArray.Builder(), values, v => Convert.ToSingle(v));
            case Date32Type:
                var d = new Date32Array.Builder();
                foreach (var v in values) if (v is DateOnly x) d.Append(x); else if (v is int days) d.Append(DateOnly.FromDayNumber(Math.Clamp(days, 0, DateOnly.MaxValue.DayNumber))); else d.AppendNull();
                return d.Build();
            case BooleanType:
                var b = new BooleanArray.Builder();
                foreach (var v in values) if (v is bool x) b.Append(x); else b.AppendNull();
                return b.Build();
            case TimestampType ts:
                var t = new TimestampArray.Builder(ts);
                foreach (var v in values)
                    if (v is DateTime x) t.Append(new DateTimeOffset(DateTime.SpecifyKind(x, DateTimeKind.Unspecified), TimeSpan.Zero));
                    else t.AppendNull();
                return t.Build();
            default: throw new NotSupportedException(type.Name);
        }
    }

    static IArrowArray Ints<T, TArray, TBuilder>(PrimitiveArrayBuilder<T, TArray, TBuilder> b, List<object?> values, Func<object, T> convert)
        where T : struct where TArray : IArrowArray where TBuilder : class, IArrowArrayBuilder<TArray>
    {
        foreach (var v in values)
        {
            if (v is null) { b.AppendNull(); continue; }
            try { b.Append(convert(v)); }
            catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException) { b.AppendNull(); }
        }
        return b.Build();
    }

    /// <summary>A population CSV of Hà Nội: the first <paramref name="communes"/> 2025 communes for 2025 and as many legacy
    /// communes for 2024 (ward_code,year,population,permanent_population).</summary>
    public static string PopulationCsv(int communes = 15)
    {
        var reference = ReferenceData.Load();
        var sb = new StringBuilder("ward_code,year,population,permanent_population\n");
        var i = 0;
        foreach (var (system, year) in new[] { (ReferenceData.System2025, 2025), (ReferenceData.SystemLegacy, 2024) })
            foreach (var u in reference.Units.Where(u => u.CodeSystem == system && u.Level == "commune" && u.ProvinceCode == ProvinceCode)
                         .OrderBy(u => u.Code, StringComparer.Ordinal).Take(communes))
            {
                i++;
                var people = 8000 + i * 137;
                sb.Append(u.Code).Append(',').Append(year).Append(',').Append(people).Append(',').Append(people - 500 - i).Append('\n');
            }
        return sb.ToString();
    }

    /// <summary>The XML1 (TONG_HOP) of an episode of record <paramref name="i"/> of <see cref="Tables"/>.</summary>
    public static string Xml1(int i, string maLk) =>
        $"<TONG_HOP><MA_LK>{maLk}</MA_LK><STT>1</STT><MA_BN>BN{i}</MA_BN><HO_TEN><![CDATA[Nguyễn Văn {(char)('A' + i)}]]></HO_TEN>" +
        $"<SO_CCCD>0011900{i:D5}</SO_CCCD><NGAY_SINH>{1950 + i}03010000</NGAY_SINH><GIOI_TINH>{1 + i % 2}</GIOI_TINH><MATINH_CU_TRU>01</MATINH_CU_TRU>" +
        $"<MAXA_CU_TRU>{Wards[i % Wards.Length]}</MAXA_CU_TRU><MA_THE_BHYT>GD40101000{i:D5}</MA_THE_BHYT><MA_BENH_CHINH>{(i % 2 == 0 ? "I10" : "E11.9")}</MA_BENH_CHINH>" +
        $"<MA_BENH_KT>J06</MA_BENH_KT><NGAY_VAO>2025092{i % 9}0830</NGAY_VAO><NGAY_RA>2025092{i % 9}1030</NGAY_RA><MA_LOAI_KCB>01</MA_LOAI_KCB>" +
        "<MA_CSKCB>01001</MA_CSKCB><CAN_NANG>60.50</CAN_NANG></TONG_HOP>";

    public static string Xml2(string maLk) =>
        $"<CHITIEU_CHITIET_THUOC><DSACH_CHI_TIET_THUOC><CHI_TIET_THUOC><MA_LK>{maLk}</MA_LK><STT>1</STT><MA_THUOC>40.123</MA_THUOC><TEN_THUOC>Amlodipin 5mg</TEN_THUOC>" +
        "<LIEU_DUNG>1 viên/lần * 1 lần/ngày * 30 ngày</LIEU_DUNG><NGAY_YL>202509201500</NGAY_YL></CHI_TIET_THUOC></DSACH_CHI_TIET_THUOC></CHITIEU_CHITIET_THUOC>";

    public static string Xml4(string maLk) =>
        $"<CHITIEU_CHITIET_DICHVUCANLAMSANG><DSACH_CHI_TIET_CLS><CHI_TIET_CLS><MA_LK>{maLk}</MA_LK><STT>1</STT><MA_DICH_VU>23.0075.1494</MA_DICH_VU><MA_CHI_SO/>" +
        "<TEN_CHI_SO>Glucose</TEN_CHI_SO><GIA_TRI>7,1</GIA_TRI><DON_VI_DO>mmol/L</DON_VI_DO><NGAY_KQ>202509201530</NGAY_KQ></CHI_TIET_CLS></DSACH_CHI_TIET_CLS></CHITIEU_CHITIET_DICHVUCANLAMSANG>";

    public static string Xml5(string maLk) =>
        $"<CHITIEU_CHITIET_DIENBIENLAMSANG><DSACH_CHI_TIET_DIEN_BIEN_BENH><CHI_TIET_DIEN_BIEN_BENH><MA_LK>{maLk}</MA_LK><STT>1</STT>" +
        "<DIEN_BIEN_LS><![CDATA[Mạch 80 l/p, HA 150/95 mmHg, chiều cao 160 cm]]></DIEN_BIEN_LS><THOI_DIEM_DBLS>202509200840</THOI_DIEM_DBLS></CHI_TIET_DIEN_BIEN_BENH>" +
        "</DSACH_CHI_TIET_DIEN_BIEN_BENH></CHITIEU_CHITIET_DIENBIENLAMSANG>";

    /// <summary>The inner files of the envelope's HOSO: (LOAIHOSO, XML text) per episode, for records 1..n.</summary>
    public static List<List<(string Type, string Content)>> Hosos(int episodes = 8) =>
        Enumerable.Range(1, episodes).Select(i =>
        {
            var maLk = $"FZ{i:D6}";
            return new List<(string, string)> { ("XML1", Xml1(i, maLk)), ("XML2", Xml2(maLk)), ("XML4", Xml4(maLk)), ("XML5", Xml5(maLk)) };
        }).ToList();

    /// <summary>The GIAMDINHHS envelope text: each inner file base64-encoded (UTF-8 with its XML declaration).</summary>
    public static string Envelope(List<List<(string Type, string Content)>> hosos, string facility = "01001", string created = "20250925")
    {
        var sb = new StringBuilder();
        sb.Append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<GIAMDINHHS xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n");
        sb.Append($"<THONGTINDONVI><MACSKCB>{facility}</MACSKCB></THONGTINDONVI>\n");
        sb.Append($"<THONGTINHOSO><NGAYLAP>{created}</NGAYLAP><SOLUONGHOSO>{hosos.Count}</SOLUONGHOSO><DANHSACHHOSO>\n");
        foreach (var hoso in hosos)
        {
            sb.Append("<HOSO>\n");
            foreach (var (type, content) in hoso)
                sb.Append($"<FILEHOSO><LOAIHOSO>{type}</LOAIHOSO><NOIDUNGFILE>{Encode(content)}</NOIDUNGFILE></FILEHOSO>\n");
            sb.Append("</HOSO>\n");
        }
        sb.Append("</DANHSACHHOSO></THONGTINHOSO><CHUKYDONVI/>\n</GIAMDINHHS>\n");
        return sb.ToString();
    }

    public static string Encode(string innerXml) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + innerXml));
}
