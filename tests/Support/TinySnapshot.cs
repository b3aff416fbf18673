using System.Security.Cryptography;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Tests.Support;

/// <summary>
/// A hand-made hssk-snapshot/1 folder with a few rows per file, for the loader's edge cases: every row and
/// column is a plain value the test can change before <see cref="Write"/>.
/// </summary>
public sealed class TinySnapshot
{
    public string SnapshotId { get; set; } = "01-2025-09-30";
    public string ProvinceCode { get; set; } = "01";
    public string AsOf { get; set; } = "2025-09-30";
    public string AdminCodes { get; set; } = "2025";

    /// <summary>Rows per file: column name → value (null allowed). Missing keys are written as null.</summary>
    public Dictionary<string, List<Dictionary<string, object?>>> Rows { get; } = new();

    /// <summary>Column type overrides (e.g. birth_year as utf8) and removed columns, per file.</summary>
    public Dictionary<(string File, string Column), IArrowType> TypeOverrides { get; } = new();
    public HashSet<(string File, string Column)> Dropped { get; } = new();

    static readonly DateTime Visit = new(2025, 9, 10, 8, 30, 0);

    public TinySnapshot(int persons = 6)
    {
        var wards = new[] { "00004", "00008", "00025" }; // Ba Đình, Ngọc Hà, Giảng Võ (2025 codes of Hà Nội)
        Rows["persons.arrow"] = Enumerable.Range(1, persons).Select(i => new Dictionary<string, object?>
        {
            ["record_id"] = $"HS{i:D4}", ["citizen_id"] = $"0011900{i:D5}", ["insurance_id"] = $"GD40101000{i:D5}",
            ["full_name"] = $"Nguyễn Văn {(char)('A' + i)}", ["birth_year"] = (short)(1950 + i), ["birth_date"] = new DateOnly(1950 + i, 3, 1),
            ["sex"] = (sbyte)(1 + i % 2), ["ward_code"] = wards[i % wards.Length], ["residence"] = (sbyte)1, ["phone"] = $"09120000{i:D2}",
            ["created_date"] = new DateOnly(2024, 1, 1), ["updated_date"] = new DateOnly(2025, 9, 1), ["first_exam_date"] = new DateOnly(2024, 2, 1),
            ["verified"] = i % 3 != 0, ["death_date"] = null, ["abo_group"] = "O", ["rh"] = "+", ["height_cm"] = 160f, ["weight_kg"] = 60f,
            ["hx_hypertension"] = i == 1, ["hx_diabetes"] = false, ["hx_cardiovascular"] = false, ["smoking"] = false, ["alcohol"] = false,
            ["inactive"] = false, ["history_recorded"] = true, ["vaccination_recorded"] = true, ["pregnant"] = null,
        }).ToList();
        Rows["encounters.arrow"] = Enumerable.Range(1, persons).Select(i => new Dictionary<string, object?>
        {
            ["encounter_id"] = $"LK{i:D4}", ["record_id"] = $"HS{i:D4}", ["facility_code"] = "01001", ["visit_time"] = Visit.AddDays(i),
            ["kind"] = "01", ["icd_main"] = i == 1 ? "I10" : "J06", ["icd_other"] = i == 2 ? "K29;E11.9" : null,
            ["systolic"] = (short)(120 + i * 5), ["diastolic"] = (short)(80 + i), ["height_cm"] = null, ["weight_kg"] = null, ["waist_cm"] = null,
        }).ToList();
        Rows["labs.arrow"] =
        [
            Lab("LK0001", "HS0001", "GLU_FASTING", "6,8", "mmol/L"),
            Lab("LK0002", "HS0002", "GLU_FASTING", "126", "mg/dL"),
            Lab("LK0002", "HS0002", "HBA1C", "53", "mmol/mol"),
            Lab("LK0003", "HS0003", "HBA1C", ">20", "%"),
            Lab("LK0003", "HS0003", "GLU_RANDOM", "??", "mmol/L"),
            Lab("LK0004", "HS0004", "XN_LOCAL_1", "âm tính", null),
        ];
        Rows["medications.arrow"] =
        [
            Med("LK0001", "HS0001", "Amlodipin 5mg", "amlodipin", null),
            Med("LK0002", "HS0002", "Metformin 850mg", null, "A10BA02"),
            Med("LK0003", "HS0003", "Coversyl 5mg", null, null),
            Med("LK0004", "HS0004", "Paracetamol 500mg", "paracetamol", "N02BE01"),
        ];
    }

    static Dictionary<string, object?> Lab(string e, string r, string test, string value, string? unit) => new()
    {
        ["encounter_id"] = e, ["record_id"] = r, ["result_time"] = Visit.AddDays(2), ["test"] = test, ["value_text"] = value, ["unit"] = unit,
    };

    static Dictionary<string, object?> Med(string e, string r, string name, string? ingredient, string? atc) => new()
    {
        ["encounter_id"] = e, ["record_id"] = r, ["dispensed_time"] = Visit.AddDays(2), ["drug_name"] = name,
        ["active_ingredient"] = ingredient, ["atc_code"] = atc, ["days_supply"] = (short)30,
    };

    /// <summary>Writes the folder (Arrow files + manifest with true row counts and checksums) and returns it.</summary>
    public string Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var files = new Dictionary<string, object>();
        foreach (var contract in SnapshotContract.Files)
        {
            var path = Path.Combine(folder, contract.Name);
            WriteArrow(path, contract, Rows[contract.Name]);
            files[contract.Name] = new { rows = Rows[contract.Name].Count, sha256 = Sha(path) };
        }
        var manifest = new
        {
            format = "hssk-snapshot/1", snapshot_id = SnapshotId, province_code = ProvinceCode, as_of = AsOf,
            admin_codes = AdminCodes, source = "tests", files,
        };
        File.WriteAllText(Path.Combine(folder, "manifest.json"), JsonSerializer.Serialize(manifest));
        return folder;
    }

    public static string Sha(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }

    /// <summary>Rewrites one key of the manifest (e.g. a row count) without touching the files.</summary>
    public static void EditManifest(string folder, Action<System.Text.Json.Nodes.JsonObject> edit)
    {
        var path = Path.Combine(folder, "manifest.json");
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(node);
        File.WriteAllText(path, node.ToJsonString());
    }

    void WriteArrow(string path, ContractFile contract, List<Dictionary<string, object?>> rows)
    {
        var columns = contract.Columns.Where(c => !Dropped.Contains((contract.Name, c.Name))).ToList();
        var types = columns.Select(c => TypeOverrides.GetValueOrDefault((contract.Name, c.Name)) ?? c.ArrowType).ToList();
        var sb = new Schema.Builder();
        for (var i = 0; i < columns.Count; i++)
        {
            var (name, type, nullable) = (columns[i].Name, types[i], columns[i].Nullable);
            sb.Field(f => f.Name(name).DataType(type).Nullable(nullable));
        }
        var schema = sb.Build();
        var arrays = columns.Select((c, i) => Build(types[i], rows.Select(r => r.GetValueOrDefault(c.Name)).ToList())).ToArray();
        using var stream = File.Create(path);
        using var writer = new ArrowFileWriter(stream, schema);
        writer.WriteRecordBatch(new RecordBatch(schema, arrays, rows.Count));
        writer.WriteEnd();
    }

    static IArrowArray Build(IArrowType type, List<object?> values)
    {
        switch (type.TypeId)
        {
            case ArrowTypeId.String:
                var s = new StringArray.Builder();
                foreach (var v in values) s.Append(v?.ToString());
                return s.Build();
            case ArrowTypeId.Int16:
                var i16 = new Int16Array.Builder();
                foreach (var v in values) if (v is null) i16.AppendNull(); else i16.Append(Convert.ToInt16(v));
                return i16.Build();
            case ArrowTypeId.Int8:
                var i8 = new Int8Array.Builder();
                foreach (var v in values) if (v is null) i8.AppendNull(); else i8.Append(Convert.ToSByte(v));
                return i8.Build();
            case ArrowTypeId.Int32:
                var i32 = new Int32Array.Builder();
                foreach (var v in values) if (v is null) i32.AppendNull(); else i32.Append(Convert.ToInt32(v));
                return i32.Build();
            case ArrowTypeId.Date32:
                var d = new Date32Array.Builder();
                foreach (var v in values) if (v is DateOnly x) d.Append(x); else d.AppendNull();
                return d.Build();
            case ArrowTypeId.Boolean:
                var b = new BooleanArray.Builder();
                foreach (var v in values) if (v is bool x) b.Append(x); else b.AppendNull();
                return b.Build();
            case ArrowTypeId.Float:
                var f = new FloatArray.Builder();
                foreach (var v in values) if (v is null) f.AppendNull(); else f.Append(Convert.ToSingle(v));
                return f.Build();
            case ArrowTypeId.Timestamp:
                var t = new TimestampArray.Builder((TimestampType)type);
                foreach (var v in values) if (v is DateTime x) t.Append(new DateTimeOffset(x, TimeSpan.Zero)); else t.AppendNull();
                return t.Build();
            default:
                throw new NotSupportedException(type.Name);
        }
    }
}
