using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Synthetic;

/// <summary>One ward's row of the seed's appendix: its legacy GSO code, the name as printed, columns (3) to (6) and (7)
/// as printed ("102,32%").</summary>
public sealed record SeedWard(string Code, string SeedName, long Population, long RecordsLinked, long Examined, long Managed, string Rate);

/// <summary>
/// The "PHỤ LỤC" of seed 004 (Trung tâm Y tế quận Bắc Từ Liêm, Hà Nội, report on 2024) as a legacy-code snapshot, so a
/// test can rebuild that appendix through the real loader and queries. Each of the 13 wards gets exactly column (4)
/// living records, of which the first (5) have an examination date before the as-of date and the first (6) are verified
/// (the two overlap arbitrarily: the appendix says nothing about it), plus <see cref="DeadPerWard"/> records of people
/// who died before the as-of date (counted in none of the columns). No encounters, labs or medications. The population
/// CSV holds column (3) as the wards' 2024 denominators. As of 30 June 2024: first half of the year, so the population
/// heading reads "Dân số trung bình 6 tháng đầu năm 2024".
/// </summary>
public static class SeedAppendix
{
    public const string ProvinceCode = "01";
    public const string DistrictCode = "021";
    public const string SnapshotId = "01-2024-06-30";
    public static readonly DateOnly AsOf = new(2024, 6, 30);
    public const int DeadPerWard = 3;

    /// <summary>The seed's rows in its own order (neither GSO code order nor alphabetical). The seed prints "Xuân Đình"
    /// for the ward whose official name (GSO, 00610) is Xuân Đỉnh.</summary>
    public static readonly IReadOnlyList<SeedWard> Wards =
    [
        new("00616", "Phường Cổ Nhuế 1", 47_199, 48_900, 10_662, 48_296, "102,32%"),
        new("00617", "Phường Cổ Nhuế 2", 47_297, 47_209, 10_050, 47_102, "99,59%"),
        new("00601", "Phường Đông Ngạc", 34_109, 35_763, 8_246, 35_415, "103,83%"),
        new("00602", "Phường Đức Thắng", 20_403, 20_402, 8_865, 20_402, "100,00%"),
        new("00598", "Phường Liên Mạc", 12_627, 12_649, 2_109, 12_649, "100,17%"),
        new("00613", "Phường Minh Khai", 30_838, 30_775, 12_533, 30_775, "99,80%"),
        new("00619", "Phường Phú Diễn", 45_429, 45_346, 8_565, 45_346, "99,82%"),
        new("00620", "Phường Phúc Diễn", 24_812, 24_834, 3_536, 24_832, "100,08%"),
        new("00604", "Phường Thụy Phương", 14_089, 14_092, 3_208, 14_092, "100,02%"),
        new("00607", "Phường Tây Tựu", 21_714, 21_677, 2_384, 21_676, "99,82%"),
        new("00595", "Phường Thượng Cát", 8_782, 8_804, 4_005, 8_804, "100,25%"),
        new("00610", "Phường Xuân Đình", 40_990, 40_812, 16_771, 40_812, "99,57%"),
        new("00611", "Phường Xuân Tảo", 22_430, 22_455, 6_028, 22_455, "100,11%"),
    ];

    /// <summary>The seed's "Tổng cộng" row: (3) to (6) and (7) as printed.</summary>
    public static readonly SeedWard Total = new("021", "Tổng cộng", 370_719, 373_718, 96_962, 372_656, "100,52%");

    /// <summary>Writes <c>outDir/01-2024-06-30/</c> (hssk-snapshot/1, admin_codes legacy) and <c>outDir/population.csv</c>.</summary>
    public static (string SnapshotFolder, string PopulationCsv) Write(string outDir)
    {
        var folder = Path.Combine(outDir, SnapshotId);
        Directory.CreateDirectory(folder);
        var persons = Persons();
        var files = new Dictionary<string, object>();
        foreach (var contract in SnapshotContract.Files)
        {
            var path = Path.Combine(folder, contract.Name);
            var rows = contract == SnapshotContract.Persons ? persons.Count : 0;
            WriteArrow(path, contract, rows, contract == SnapshotContract.Persons ? persons : null);
            using var read = File.OpenRead(path);
            files[contract.Name] = new { rows, sha256 = Convert.ToHexStringLower(SHA256.HashData(read)) };
        }
        File.WriteAllText(Path.Combine(folder, Manifest.FileName), JsonSerializer.Serialize(new
        {
            format = SnapshotContract.Format, snapshot_id = SnapshotId, province_code = ProvinceCode,
            as_of = AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), admin_codes = "legacy",
            source = "seed 004 appendix (Bắc Từ Liêm 2024), synthetic/SeedAppendix.cs", files,
        }));
        var csv = Path.Combine(outDir, "population.csv");
        var sb = new StringBuilder("ward_code,year,population\n");
        foreach (var w in Wards) sb.Append(CultureInfo.InvariantCulture, $"{w.Code},2024,{w.Population}\n");
        File.WriteAllText(csv, sb.ToString());
        return (folder, csv);
    }

    sealed record SeedPerson(string Ward, int Index, bool Examined, bool Verified, bool Dead);

    static List<SeedPerson> Persons()
    {
        var list = new List<SeedPerson>();
        foreach (var w in Wards)
        {
            for (var i = 0; i < w.RecordsLinked; i++) list.Add(new(w.Code, i, i < w.Examined, i < w.Managed, false));
            for (var i = 0; i < DeadPerWard; i++) list.Add(new(w.Code, (int)w.RecordsLinked + i, true, true, true));
        }
        return list;
    }

    static object? Value(string column, SeedPerson p)
    {
        var id = $"{p.Ward}{p.Index:D6}";
        return column switch
        {
            "record_id" => "BTL" + id,
            "citizen_id" => "001" + id.PadLeft(9, '0')[^9..],
            "full_name" => $"Người {id}",
            "birth_year" => (short)(1935 + p.Index % 88),
            "birth_date" => new DateOnly(1935 + p.Index % 88, 1 + p.Index % 12, 1 + p.Index % 28),
            "sex" => (sbyte)(1 + p.Index % 2),
            "ward_code" => p.Ward,
            "residence" => (sbyte)1,
            "created_date" => new DateOnly(2023, 10, 1),
            "updated_date" => new DateOnly(2024, 5, 1),
            "first_exam_date" => p.Examined ? new DateOnly(2024, 3, 1) : null,
            "verified" => p.Verified,
            "death_date" => p.Dead ? new DateOnly(2024, 4, 1) : null,
            "history_recorded" or "vaccination_recorded" => false,
            _ => null,
        };
    }

    static void WriteArrow(string path, ContractFile contract, int rows, List<SeedPerson>? persons)
    {
        var schema = contract.ArrowSchema;
        var arrays = contract.Columns.Select(c => Column(c, persons ?? [])).ToArray();
        using var stream = File.Create(path);
        using var writer = new ArrowFileWriter(stream, schema);
        writer.WriteRecordBatch(new RecordBatch(schema, arrays, rows));
        writer.WriteEnd();
    }

    static IArrowArray Column(ContractColumn c, List<SeedPerson> persons)
    {
        IEnumerable<object?> values = persons.Select(p => Value(c.Name, p));
        switch (c.Type)
        {
            case ArrowTypeId.String:
                var s = new StringArray.Builder();
                foreach (var v in values) s.Append((string?)v);
                return s.Build();
            case ArrowTypeId.Int16:
                var i16 = new Int16Array.Builder();
                foreach (var v in values) if (v is short x) i16.Append(x); else i16.AppendNull();
                return i16.Build();
            case ArrowTypeId.Int8:
                var i8 = new Int8Array.Builder();
                foreach (var v in values) if (v is sbyte x) i8.Append(x); else i8.AppendNull();
                return i8.Build();
            case ArrowTypeId.Int32:
                var i32 = new Int32Array.Builder();
                foreach (var v in values) if (v is int x) i32.Append(x); else i32.AppendNull();
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
                foreach (var v in values) if (v is float x) f.Append(x); else f.AppendNull();
                return f.Build();
            case ArrowTypeId.Timestamp:
                var t = new TimestampArray.Builder((TimestampType)c.ArrowType);
                foreach (var v in values) if (v is DateTime x) t.Append(new DateTimeOffset(x, TimeSpan.Zero)); else t.AppendNull();
                return t.Build();
            default:
                throw new NotSupportedException(c.Type.ToString());
        }
    }
}
