using System.Text.Json;

namespace HoSoSucKhoe.Tests.Synthetic;

[Collection(SyntheticCollection.Name)]
public sealed class SyntheticTruthTests(SyntheticProvinceFixture fx)
{
    static readonly string[] CountKeys =
    [
        "records_linked", "examined", "managed", "deceased", "records_all", "duplicate_citizen", "probable_duplicate",
        "missing_citizen_adult", "malformed_citizen", "missing_insurance", "missing_phone", "visit_after_death",
        "implausible_encounters", "unparseable_labs", "priority_group1", "priority_group2", "priority_group3",
        "complete_all", "complete_administrative", "complete_immunisation", "complete_history_allergy",
        "complete_anthropometrics", "complete_blood_group", "complete_underlying_conditions",
    ];

    IEnumerable<JsonElement> Snapshots => fx.Truth.GetProperty("snapshots").EnumerateArray();

    [Fact]
    public void TruthDescribesEverySnapshotWithItsRowCounts()
    {
        Assert.Equal("hssk-truth/1", fx.Truth.GetProperty("format").GetString());
        Assert.Equal("11", fx.Truth.GetProperty("parameters").GetProperty("province_code").GetString());
        var snapshots = Snapshots.ToList();
        Assert.Equal(fx.Folders.Count, snapshots.Count);
        for (var i = 0; i < snapshots.Count; i++)
        {
            using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(fx.Folders[i], "manifest.json")));
            var files = manifest.RootElement.GetProperty("files");
            var rows = snapshots[i].GetProperty("rows");
            foreach (var table in new[] { "persons", "encounters", "labs", "medications" })
                Assert.Equal(files.GetProperty(table + ".arrow").GetProperty("rows").GetInt64(), rows.GetProperty(table).GetInt64());
            Assert.Equal(i < 2 ? "legacy" : "2025", snapshots[i].GetProperty("admin_codes").GetString());
            Assert.Equal(i < 2, snapshots[i].TryGetProperty("districts", out _));
        }
    }

    [Fact]
    public void UnitTotalsAreSumsOfTheirCommunes()
    {
        foreach (var s in Snapshots)
        {
            var communes = s.GetProperty("communes").EnumerateObject().Select(c => c.Value).ToList();
            AssertSums(s.GetProperty("province"), communes);
            if (s.TryGetProperty("districts", out var districts))
            {
                var all = districts.EnumerateObject().Select(d => d.Value).ToList();
                AssertSums(s.GetProperty("province"), all);
            }
            var records = s.GetProperty("province").GetProperty("records_all").GetInt64() + s.GetProperty("unknown_ward_records").GetInt64();
            Assert.Equal(s.GetProperty("rows").GetProperty("persons").GetInt64(), records);
            var ncd = s.GetProperty("ncd");
            Assert.Equal(
                ncd.GetProperty("communes").EnumerateObject().Sum(c => c.Value.GetProperty("adults").GetInt64()),
                ncd.GetProperty("province").GetProperty("adults").GetInt64());
        }
    }

    static void AssertSums(JsonElement total, List<JsonElement> parts)
    {
        foreach (var key in CountKeys) Assert.Equal(parts.Sum(p => p.GetProperty(key).GetInt64()), total.GetProperty(key).GetInt64());
        var populations = parts.Select(p => p.GetProperty("population")).Where(p => p.ValueKind == JsonValueKind.Number).ToList();
        Assert.Equal(populations.Sum(p => p.GetInt64()), total.GetProperty("population").GetInt64());
    }

    [Fact]
    public void LastSnapshotHasCommunesOverHundredAndUnderSeventyPercent()
    {
        var coverage = Snapshots.Last().GetProperty("communes").EnumerateObject()
            .Where(c => c.Value.GetProperty("population").ValueKind == JsonValueKind.Number)
            .Select(c => 100.0 * c.Value.GetProperty("managed").GetInt64() / c.Value.GetProperty("population").GetInt64())
            .ToList();
        Assert.Contains(coverage, c => c > 100);
        Assert.Contains(coverage, c => c < 70);
        Assert.True(coverage.Count(c => c is >= 75 and <= 100) > coverage.Count / 2, "most communes are between 75 and 100 %");
    }

    [Fact]
    public void TruthCountsMatchARecountOfThePersonsFile()
    {
        for (var i = 0; i < fx.Folders.Count; i++)
        {
            var s = Snapshots.ElementAt(i);
            var asOf = DateOnly.Parse(s.GetProperty("as_of").GetString()!);
            var persons = ArrowRows.Read(Path.Combine(fx.Folders[i], "persons.arrow"));
            var communes = s.GetProperty("communes");
            var citizenCounts = persons.Where(p => p["citizen_id"] is not null).GroupBy(p => (string)p["citizen_id"]!).ToDictionary(g => g.Key, g => g.Count());
            foreach (var ward in persons.GroupBy(p => (string)p["ward_code"]!))
            {
                if (!communes.TryGetProperty(ward.Key, out var c)) continue;
                var linked = ward.Where(p => p["death_date"] is null || (DateOnly)p["death_date"]! > asOf).ToList();
                Assert.Equal(ward.Count(), c.GetProperty("records_all").GetInt64());
                Assert.Equal(linked.Count, c.GetProperty("records_linked").GetInt64());
                Assert.Equal(linked.Count(p => (bool)p["verified"]!), c.GetProperty("managed").GetInt64());
                Assert.Equal(linked.Count(p => p["first_exam_date"] is DateOnly d && d <= asOf), c.GetProperty("examined").GetInt64());
                Assert.Equal(ward.Count(p => p["insurance_id"] is null), c.GetProperty("missing_insurance").GetInt64());
                Assert.Equal(ward.Count(p => p["phone"] is null), c.GetProperty("missing_phone").GetInt64());
                Assert.Equal(ward.Count(p => p["citizen_id"] is string id && citizenCounts[id] > 1), c.GetProperty("duplicate_citizen").GetInt64());
                Assert.Equal(ward.Count(p => p["citizen_id"] is null && Age(p, asOf) >= 18), c.GetProperty("missing_citizen_adult").GetInt64());
                Assert.Equal(linked.Count(p => p["history_recorded"] is true), c.GetProperty("complete_history_allergy").GetInt64());
            }
        }
    }

    static int Age(Dictionary<string, object?> p, DateOnly asOf)
    {
        if (p["birth_date"] is not DateOnly b) return asOf.Year - (short)p["birth_year"]!;
        var age = asOf.Year - b.Year;
        return asOf < b.AddYears(age) ? age - 1 : age;
    }

    [Fact]
    public void HypertensionCascadeMatchesARecountOfTheFiles()
    {
        var s = Snapshots.Last();
        var folder = fx.Folders[^1];
        var asOf = DateOnly.Parse(s.GetProperty("as_of").GetString()!);
        var persons = ArrowRows.Read(Path.Combine(folder, "persons.arrow"))
            .Where(p => s.GetProperty("communes").TryGetProperty((string)p["ward_code"]!, out _))
            .Where(p => p["death_date"] is null && Age(p, asOf) >= 18)
            .ToDictionary(p => (string)p["record_id"]!);
        var from = asOf.ToDateTime(TimeOnly.MinValue).AddDays(-364);
        var readings = ArrowRows.Read(Path.Combine(folder, "encounters.arrow"))
            .Where(e => persons.ContainsKey((string)e["record_id"]!) && e["systolic"] is short && e["diastolic"] is short)
            .Where(e => (DateTime)e["visit_time"]! >= from)
            .Where(e => (short)e["systolic"]! is >= 60 and <= 300 && (short)e["diastolic"]! is >= 30 and <= 200 && (short)e["systolic"]! > (short)e["diastolic"]!)
            .GroupBy(e => (string)e["record_id"]!)
            .ToDictionary(g => g.Key, g => g.MaxBy(e => (DateTime)e["visit_time"]!)!);
        var htn = s.GetProperty("ncd").GetProperty("province").GetProperty("htn");
        Assert.Equal(persons.Count, s.GetProperty("ncd").GetProperty("province").GetProperty("adults").GetInt64());
        Assert.Equal(readings.Count, htn.GetProperty("screened").GetInt64());
        Assert.Equal(readings.Values.Count(e => (short)e["systolic"]! >= 140 || (short)e["diastolic"]! >= 90), htn.GetProperty("raised").GetInt64());
    }

    [Fact]
    public void RaisedReadingsAndGlucoseOccurOnlyInLatentCases()
    {
        foreach (var s in Snapshots)
            foreach (var c in s.GetProperty("ncd").GetProperty("communes").EnumerateObject())
            {
                var latent = c.Value.GetProperty("latent");
                Assert.True(c.Value.GetProperty("htn").GetProperty("raised").GetInt64() <= latent.GetProperty("htn_screened").GetInt64(), c.Name);
                Assert.True(c.Value.GetProperty("dm").GetProperty("raised").GetInt64() <= latent.GetProperty("dm_screened").GetInt64(), c.Name);
            }
    }

    [Fact]
    public void LatentPrevalenceIn25To64IsNearTheStepsAnchors()
    {
        var bands = Snapshots.Last().GetProperty("ncd").GetProperty("province").GetProperty("bands");
        string[] ages = ["25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64"];
        double Sum(string key) => ages.Sum(a => bands.GetProperty(a).GetProperty("1").GetProperty(key).GetInt64()
            + bands.GetProperty(a).GetProperty("2").GetProperty(key).GetInt64());
        var adults = Sum("adults");
        Assert.InRange(Sum("htn_latent") / adults, 0.23, 0.33);
        Assert.InRange(Sum("dm_latent") / adults, 0.04, 0.10);
        Assert.True(bands.GetProperty("60-64").GetProperty("1").GetProperty("htn_p").GetDouble()
            > bands.GetProperty("25-29").GetProperty("1").GetProperty("htn_p").GetDouble());
    }

    [Fact]
    public void DefectRatesAreNearTheirParameters()
    {
        var rates = fx.Truth.GetProperty("parameters").GetProperty("rates");
        var s = Snapshots.Last();
        var p = s.GetProperty("province");
        double all = p.GetProperty("records_all").GetInt64();
        double Rate(string key) => p.GetProperty(key).GetInt64() / all;
        Assert.InRange(Rate("missing_insurance"), rates.GetProperty("missing_insurance").GetDouble() * 0.7, rates.GetProperty("missing_insurance").GetDouble() * 1.3);
        Assert.InRange(Rate("missing_phone"), rates.GetProperty("missing_phone").GetDouble() * 0.7, rates.GetProperty("missing_phone").GetDouble() * 1.3);
        Assert.InRange(Rate("duplicate_citizen"), 0.01, 0.05);
        Assert.InRange(p.GetProperty("probable_duplicate").GetInt64(), 2, (long)(all * 0.02));
        Assert.InRange(s.GetProperty("unknown_ward_records").GetInt64() / all, 0.0005, 0.01);
        var encounters = s.GetProperty("rows").GetProperty("encounters").GetInt64();
        Assert.InRange(p.GetProperty("implausible_encounters").GetInt64() / (double)encounters, 0.0005, 0.005);
        var labs = s.GetProperty("rows").GetProperty("labs").GetInt64();
        Assert.InRange(p.GetProperty("unparseable_labs").GetInt64() / (double)labs, 0.002, 0.01);
        Assert.InRange(p.GetProperty("visit_after_death").GetInt64(), 0, p.GetProperty("deceased").GetInt64());
        Assert.InRange(p.GetProperty("deceased").GetInt64() / all, 0.003, 0.03);
    }

    [Fact]
    public void PopulationCsvGivesTheTruthDenominators()
    {
        var lines = File.ReadAllLines(Path.Combine(fx.OutDir, "population.csv"));
        Assert.Equal("ward_code,year,population,permanent_population,age_band,sex", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.All(rows, r => Assert.Equal(r[2], r[3]));
        Assert.Equal(17, rows.Select(r => r[4]).Distinct().Count());
        foreach (var (index, year) in new[] { (0, "2024"), (3, "2025") })
        {
            var s = Snapshots.ElementAt(index);
            var byWard = rows.Where(r => r[1] == year).GroupBy(r => r[0]).ToDictionary(g => g.Key, g => g.Sum(r => long.Parse(r[2])));
            foreach (var c in s.GetProperty("communes").EnumerateObject())
            {
                var population = c.Value.GetProperty("population");
                if (byWard.TryGetValue(c.Name, out var n)) Assert.Equal(n, population.GetInt64());
                else Assert.Equal(JsonValueKind.Null, population.ValueKind);
            }
        }
    }
}
