using System.Security.Cryptography;
using System.Text.Json;
using Apache.Arrow.Ipc;
using HoSoSucKhoe.Synthetic;
using HoSoSucKhoe.Warehouse.Reference;

namespace HoSoSucKhoe.Tests.Synthetic;

[Collection(SyntheticCollection.Name)]
public sealed class SyntheticSnapshotFilesTests(SyntheticProvinceFixture fx)
{
    static readonly string[] Files = ["persons.arrow", "encounters.arrow", "labs.arrow", "medications.arrow"];

    [Fact]
    public void OneFolderPerMonthNamedBySnapshotIdInAsOfOrder()
    {
        string[] expected = ["11-2025-05-31", "11-2025-06-30", "11-2025-07-31", "11-2025-08-31"];
        Assert.Equal(expected, fx.Folders.Select(f => Path.GetFileName(f)!));
        Assert.True(File.Exists(Path.Combine(fx.OutDir, "population.csv")));
        Assert.Empty(Directory.GetDirectories(fx.OutDir, ".*")); // no half-written work folders left behind
    }

    [Fact]
    public void SameSeedGivesByteIdenticalFilesAndTruth()
    {
        var again = Path.Combine(Path.GetTempPath(), "hssk-synth-" + Guid.NewGuid().ToString("N"));
        try
        {
            var folders = SyntheticProvince.Generate(SyntheticProvinceFixture.OptionsFor(again));
            Assert.Equal(fx.Folders.Select(Path.GetFileName), folders.Select(Path.GetFileName));
            foreach (var folder in folders)
                foreach (var file in Files.Append("manifest.json"))
                    Assert.Equal(
                        File.ReadAllBytes(Path.Combine(fx.OutDir, Path.GetFileName(folder), file)),
                        File.ReadAllBytes(Path.Combine(folder, file)));
            Assert.Equal(File.ReadAllBytes(Path.Combine(fx.OutDir, "truth.json")), File.ReadAllBytes(Path.Combine(again, "truth.json")));
            Assert.Equal(File.ReadAllBytes(Path.Combine(fx.OutDir, "population.csv")), File.ReadAllBytes(Path.Combine(again, "population.csv")));
        }
        finally
        {
            if (Directory.Exists(again)) Directory.Delete(again, recursive: true);
        }
    }

    [Fact]
    public void ASnapshotDoesNotDependOnTheRangeOfMonthsGenerated()
    {
        var single = Path.Combine(Path.GetTempPath(), "hssk-synth-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = SyntheticProvinceFixture.OptionsFor(single) with { From = new DateOnly(2025, 7, 1), To = new DateOnly(2025, 7, 1) };
            var folder = Assert.Single(SyntheticProvince.Generate(options));
            Assert.Equal(
                File.ReadAllBytes(Path.Combine(fx.OutDir, "11-2025-07-31", "manifest.json")),
                File.ReadAllBytes(Path.Combine(folder, "manifest.json")));
        }
        finally
        {
            if (Directory.Exists(single)) Directory.Delete(single, recursive: true);
        }
    }

    [Fact]
    public void SnapshotsBeforeTheReformUseLegacyCodesAndLaterOnes2025Codes()
    {
        var reference = ReferenceData.Load();
        foreach (var folder in fx.Folders)
        {
            using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "manifest.json")));
            var m = manifest.RootElement;
            var asOf = DateOnly.Parse(m.GetProperty("as_of").GetString()!);
            var system = asOf < new DateOnly(2025, 7, 1) ? "legacy" : "2025";
            Assert.Equal(system, m.GetProperty("admin_codes").GetString());
            Assert.Equal("11", m.GetProperty("province_code").GetString());
            Assert.Equal($"11-{asOf:yyyy-MM-dd}", m.GetProperty("snapshot_id").GetString());

            var communes = reference.InForce(system, asOf).Where(u => u.Level == "commune" && u.ProvinceCode == "11")
                .Select(u => u.Code).ToHashSet();
            var wards = ArrowRows.Read(Path.Combine(folder, "persons.arrow")).Select(r => (string)r["ward_code"]!).ToList();
            var unknown = wards.Count(w => !communes.Contains(w));
            Assert.InRange(unknown, 1, wards.Count / 100); // only the deliberate unknown-ward defect (~0.3 %)
            Assert.All(wards.Where(w => !communes.Contains(w)), w => Assert.StartsWith("999", w));
        }
    }

    [Fact]
    public void ManifestRowCountsAndChecksumsMatchTheFiles()
    {
        foreach (var folder in fx.Folders)
        {
            using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "manifest.json")));
            var files = manifest.RootElement.GetProperty("files");
            Assert.Equal("hssk-snapshot/1", manifest.RootElement.GetProperty("format").GetString());
            foreach (var name in Files)
            {
                var path = Path.Combine(folder, name);
                var entry = files.GetProperty(name);
                Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), entry.GetProperty("sha256").GetString());
                using var reader = new ArrowFileReader(File.OpenRead(path));
                long rows = 0;
                while (reader.ReadNextRecordBatch() is { } batch)
                {
                    Assert.InRange(batch.Length, 1, 65_536);
                    rows += batch.Length;
                    batch.Dispose();
                }
                Assert.Equal(entry.GetProperty("rows").GetInt64(), rows);
            }
        }
    }

    [Fact]
    public void ArrowSchemasHaveTheContractNamesTypesAndNullability()
    {
        // name:type, "?" = nullable — transcribed from docs/snapshot-format.md
        var expected = new Dictionary<string, string>
        {
            ["persons.arrow"] = "record_id:utf8 citizen_id:utf8? insurance_id:utf8? full_name:utf8? birth_year:int16 birth_date:date32? "
                + "sex:int8 ward_code:utf8 residence:int8 phone:utf8? created_date:date32 updated_date:date32? first_exam_date:date32? "
                + "verified:bool death_date:date32? abo_group:utf8? rh:utf8? height_cm:float? weight_kg:float? hx_hypertension:bool? "
                + "hx_diabetes:bool? hx_cardiovascular:bool? smoking:bool? alcohol:bool? inactive:bool? history_recorded:bool "
                + "vaccination_recorded:bool pregnant:bool?",
            ["encounters.arrow"] = "encounter_id:utf8 record_id:utf8 facility_code:utf8 visit_time:timestamp[s] kind:utf8 icd_main:utf8? "
                + "icd_other:utf8? systolic:int16? diastolic:int16? height_cm:float? weight_kg:float? waist_cm:float?",
            ["labs.arrow"] = "encounter_id:utf8 record_id:utf8 result_time:timestamp[s] test:utf8 value_text:utf8 unit:utf8?",
            ["medications.arrow"] = "encounter_id:utf8 record_id:utf8 dispensed_time:timestamp[s] drug_name:utf8 active_ingredient:utf8? "
                + "atc_code:utf8? days_supply:int16?",
        };
        foreach (var (file, columns) in expected)
        {
            using var reader = new ArrowFileReader(File.OpenRead(Path.Combine(fx.Folders[^1], file)));
            var actual = string.Join(' ', reader.Schema.FieldsList.Select(f => $"{f.Name}:{TypeName(f.DataType)}{(f.IsNullable ? "?" : "")}"));
            Assert.Equal(columns, actual);
        }
    }

    static string TypeName(Apache.Arrow.Types.IArrowType type) => type switch
    {
        Apache.Arrow.Types.StringType => "utf8",
        Apache.Arrow.Types.Int16Type => "int16",
        Apache.Arrow.Types.Int8Type => "int8",
        Apache.Arrow.Types.Date32Type => "date32",
        Apache.Arrow.Types.BooleanType => "bool",
        Apache.Arrow.Types.FloatType => "float",
        Apache.Arrow.Types.TimestampType { Unit: Apache.Arrow.Types.TimeUnit.Second, Timezone: null or "" } => "timestamp[s]",
        _ => type.Name,
    };

    [Fact]
    public void IdentifiersAreUniqueAndStableAcrossSnapshots()
    {
        var first = ArrowRows.Read(Path.Combine(fx.Folders[0], "persons.arrow"));
        var last = ArrowRows.Read(Path.Combine(fx.Folders[^1], "persons.arrow"));
        Assert.Equal(first.Count, first.Select(r => r["record_id"]).Distinct().Count());
        Assert.Equal(last.Count, last.Select(r => r["record_id"]).Distinct().Count());
        var later = last.ToDictionary(r => (string)r["record_id"]!);
        foreach (var r in first)
        {
            var same = later[(string)r["record_id"]!];
            Assert.Equal(r["full_name"], same["full_name"]);
            Assert.Equal(r["citizen_id"], same["citizen_id"]);
            Assert.Equal(r["created_date"], same["created_date"]);
        }
        var encounters = ArrowRows.Read(Path.Combine(fx.Folders[^1], "encounters.arrow"));
        Assert.Equal(encounters.Count, encounters.Select(e => e["encounter_id"]).Distinct().Count());
        Assert.All(encounters, e => Assert.True(later.ContainsKey((string)e["record_id"]!)));
        Assert.All(encounters, e => Assert.Matches("^11[0-9]{3}$", (string)e["facility_code"]!));
    }

    [Fact]
    public void EachSnapshotHoldsTheStateAsOfItsDate()
    {
        foreach (var folder in fx.Folders)
        {
            using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "manifest.json")));
            var asOf = DateOnly.Parse(manifest.RootElement.GetProperty("as_of").GetString()!);
            var end = asOf.ToDateTime(TimeOnly.MinValue).AddDays(1);
            var persons = ArrowRows.Read(Path.Combine(folder, "persons.arrow"));
            foreach (var p in persons)
            {
                var created = (DateOnly)p["created_date"]!;
                Assert.True(created <= asOf);
                if (p["first_exam_date"] is DateOnly exam) Assert.InRange(exam, created, asOf);
                if (p["updated_date"] is DateOnly updated) Assert.InRange(updated, created, asOf);
                if (p["death_date"] is DateOnly death) Assert.True(death <= asOf);
            }
            var encounters = ArrowRows.Read(Path.Combine(folder, "encounters.arrow"));
            Assert.All(encounters, e => Assert.InRange((DateTime)e["visit_time"]!, new DateTime(2023, 1, 1), end));
            Assert.Contains(encounters, e => (DateTime)e["visit_time"]! < new DateTime(2023, 2, 1));
            var ids = encounters.Select(e => (string)e["encounter_id"]!).ToHashSet();
            foreach (var (file, time) in new[] { ("labs.arrow", "result_time"), ("medications.arrow", "dispensed_time") })
            {
                var rows = ArrowRows.Read(Path.Combine(folder, file));
                Assert.All(rows, r => Assert.True((DateTime)r[time]! < end && ids.Contains((string)r["encounter_id"]!)));
            }
        }
    }

    [Fact]
    public void NamesAreNfcVietnameseAndCitizenIdsLookLikeCccd()
    {
        var persons = ArrowRows.Read(Path.Combine(fx.Folders[^1], "persons.arrow"));
        var names = persons.Select(p => p["full_name"] as string).OfType<string>().ToList();
        Assert.All(names, n => Assert.True(n.IsNormalized(System.Text.NormalizationForm.FormC)));
        Assert.InRange(names.Count(n => n.StartsWith("Nguyễn ", StringComparison.Ordinal)) / (double)names.Count, 0.15, 0.45);
        var ids = persons.Select(p => p["citizen_id"] as string).OfType<string>().ToList();
        Assert.True(ids.Count(id => id.Length == 12 && id.StartsWith('0') && id.All(char.IsAsciiDigit)) > ids.Count * 0.95);
    }

    [Theory]
    [InlineData("99", 0.01, "2025-05", "2025-06", "--province")]
    [InlineData("11", 0.0, "2025-05", "2025-06", "--scale")]
    [InlineData("11", 1.5, "2025-05", "2025-06", "--scale")]
    [InlineData("11", 0.01, "2025-09", "2025-06", "--from")]
    public void BadOptionsThrowArgumentExceptionNamingTheParameter(string province, double scale, string from, string to, string parameter)
    {
        var options = new GeneratorOptions(province, scale, DateOnly.Parse(from + "-01"), DateOnly.Parse(to + "-01"),
            Path.Combine(Path.GetTempPath(), "hssk-never-written"));
        var ex = Assert.Throws<ArgumentException>(() => SyntheticProvince.Generate(options));
        Assert.StartsWith("Tham số " + parameter, ex.Message);
        Assert.False(Directory.Exists(options.OutDir));
    }
}
