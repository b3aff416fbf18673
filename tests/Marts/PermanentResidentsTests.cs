using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Reference;
using Xunit.Abstractions;

namespace HoSoSucKhoe.Tests.Marts;

/// <summary>Coverage of permanent residents (issue 9 phase 1, docs/definitions.md) against truth.json, through the
/// query and the API, plus the edge cases: no denominator, over 100 %, and an old warehouse rebuilt at open.</summary>
[Collection("warehouse")]
public sealed class PermanentResidentsTests(WarehouseFixture fixture, ITestOutputHelper output)
{
    readonly CoverageQueries queries = new(fixture.Db);
    readonly IReadOnlyList<TruthSnapshot> snapshots = TruthSnapshot.All(fixture.Truth);

    /// <summary>The expected row of a truth unit, computed here by docs/definitions.md. The generator writes
    /// permanent_population = population on every population.csv row (its denominators are permanent residents;
    /// <see cref="TheGeneratedPopulationCsvCarriesPermanentPopulationOnEveryRow"/> holds it to that), so the truth
    /// population is the permanent denominator.</summary>
    sealed record Expected(long? Population, long Records, long Updated, decimal? Pct, bool Over100, bool NoDenominator, long? Gap)
    {
        public static Expected Of(JsonElement unit)
        {
            var pop = TruthSnapshot.Population(unit) is { } p and > 0 ? p : (long?)null;
            var records = unit.GetProperty("permanent_records").GetInt64();
            var updated = unit.GetProperty("permanent_updated").GetInt64();
            return new Expected(pop, records, updated,
                pop is { } d ? Math.Round(updated * 100m / d, 2, MidpointRounding.AwayFromZero) : null,
                pop is { } e && updated > e, pop is null,
                pop is { } f ? Math.Max(0, (long)Math.Ceiling(0.95m * f - updated)) : null);
        }

        public static Expected Of(PermanentResidentsRow r) =>
            new(r.PermanentPopulation, r.PermanentRecords, r.PermanentUpdated, r.PermanentCoveragePct, r.Over100, r.NoDenominator, r.Gap);
    }

    static void Compare(List<string> errors, string where, JsonElement truth, Expected actual)
    {
        var expected = Expected.Of(truth);
        if (expected != actual) errors.Add($"{where}: truth {expected}, got {actual}");
    }

    [Fact]
    public void TheGeneratedPopulationCsvCarriesPermanentPopulationOnEveryRow()
    {
        var lines = File.ReadAllLines(fixture.PopulationCsv);
        Assert.Equal("ward_code,year,population,permanent_population,age_band,sex", lines[0]);
        Assert.All(lines.Skip(1), l => { var f = l.Split(','); Assert.Equal(f[2], f[3]); });
    }

    [Fact]
    public void EveryCommuneDistrictAndProvinceOfEverySnapshotMatchesTruth()
    {
        var errors = new List<string>();
        foreach (var s in snapshots)
        {
            var report = queries.PermanentResidents(s.ProvinceCode, s.SnapshotId);
            Assert.Equal(s.SnapshotId, report.Unit.Snapshot.SnapshotId);
            Assert.Equal(95, report.TargetPct);
            Assert.Equal(s.Communes.Select(c => c.Code).Order(StringComparer.Ordinal), report.Communes.Select(r => r.Code));
            foreach (var (code, counts) in s.Communes)
                Compare(errors, $"{s.SnapshotId} commune {code}", counts, Expected.Of(report.Communes.Single(r => r.Code == code)));
            Compare(errors, $"{s.SnapshotId} province", s.Province, Expected.Of(report.Total));
            output.WriteLine($"{s.SnapshotId}: {report.Total}; communes ≥ 95 %: {report.Communes.Count(r => r.Meets == true)}/{report.Communes.Count}, " +
                $"over 100 %: {report.Communes.Count(r => r.Over100)}, no denominator: {report.Communes.Count(r => r.NoDenominator)}");
            foreach (var (code, counts) in s.Districts)
            {
                var district = queries.PermanentResidents(code, s.SnapshotId);
                Compare(errors, $"{s.SnapshotId} district {code}", counts, Expected.Of(district.Total));
                Assert.All(district.Communes, r => Assert.Equal(r, report.Communes.Single(x => x.Code == r.Code)));
            }
        }
        Assert.Empty(errors);
        Assert.Contains(snapshots, s => s.Legacy && s.Districts.Any());
        // The generator's residents are not all permanent, and not every permanent record was updated within a year.
        Assert.Contains(snapshots, s => s.Province.GetProperty("permanent_records").GetInt64() < s.Province.GetProperty("records_linked").GetInt64());
        Assert.Contains(snapshots, s => s.Province.GetProperty("permanent_updated").GetInt64() < s.Province.GetProperty("permanent_records").GetInt64());
    }

    [Fact]
    public void BridgedPermanentCountsAreTheWeightedSumsOfTheOldCommunes()
    {
        var bridge = ReferenceData.Load().Bridge;
        using var c = fixture.Db.Open();
        var errors = new List<string>();
        foreach (var s in snapshots.Where(s => s.Legacy))
        {
            var old = s.Communes.ToDictionary(x => x.Code, x => x.Counts);
            var rows = c.Query<(string Code, double? Records, double? Updated)>(
                "SELECT unit_code, permanent_records, permanent_updated FROM mart_bridged_kpi WHERE snapshot_id = $sid AND level = 'commune'",
                new { sid = s.SnapshotId }).ToList();
            Assert.NotEmpty(rows);
            foreach (var r in rows)
            {
                var links = bridge.Where(b => b.NewCode == r.Code && old.ContainsKey(b.OldCode)).ToList();
                double Sum(string name) => links.Sum(l => l.Weight * old[l.OldCode].GetProperty(name).GetInt64());
                if (r.Records is not { } rec || Math.Abs(rec - Sum("permanent_records")) > 1e-6
                    || r.Updated is not { } upd || Math.Abs(upd - Sum("permanent_updated")) > 1e-6)
                    errors.Add($"{s.SnapshotId} bridged {r.Code}: {r.Records}/{r.Updated} vs {Sum("permanent_records")}/{Sum("permanent_updated")}");
            }
        }
        Assert.Empty(errors);
    }

    [Fact]
    public async Task TheApiServesTheFiguresOfTruthInJsonAndCsv()
    {
        using var api = new ApiFactory(fixture);
        var client = api.As(ApiFactory.Leadership);
        var errors = new List<string>();
        foreach (var s in snapshots)
        {
            var url = $"/api/coverage/units/{s.ProvinceCode}/permanent-residents?snapshot={s.SnapshotId}";
            var json = await client.JsonAsync(url);
            Assert.Equal(s.SnapshotId, json.GetProperty("unit").GetProperty("snapshot").GetProperty("snapshotId").GetString());
            var rows = json.GetProperty("communes").EnumerateArray().ToDictionary(r => r.GetProperty("code").GetString()!);
            Assert.Equal(s.Communes.Count(), rows.Count);
            foreach (var (code, counts) in s.Communes) Compare(errors, $"{s.SnapshotId} json {code}", counts, FromJson(rows[code]));
            Compare(errors, $"{s.SnapshotId} json province", s.Province, FromJson(json.GetProperty("total")));

            using var csv = await client.GetAsync(url + "&format=csv");
            Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
            var lines = Encoding.UTF8.GetString((await csv.Content.ReadAsByteArrayAsync())[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            var header = Fields(lines[0]);
            Assert.Equal(["snapshotId", "asOf", "code", "name", "targetPct", "level", "code"], header[..7]);
            Assert.Equal(s.Communes.Count() + 1, lines.Length - 1);
            var byCode = lines.Skip(1).Select(Fields).ToDictionary(f => f[6]);
            foreach (var (code, counts) in s.Communes) Compare(errors, $"{s.SnapshotId} csv {code}", counts, FromCsv(header, byCode[code]));
            Compare(errors, $"{s.SnapshotId} csv province", s.Province, FromCsv(header, byCode[s.ProvinceCode]));

            foreach (var (code, counts) in s.Districts)
                Compare(errors, $"{s.SnapshotId} json district {code}", counts,
                    FromJson((await client.JsonAsync($"/api/coverage/units/{code}/permanent-residents?snapshot={s.SnapshotId}")).GetProperty("total")));
        }
        Assert.Empty(errors);
    }

    static Expected FromJson(JsonElement r)
    {
        long? Long(string name) => r.GetProperty(name) is { ValueKind: JsonValueKind.Number } v ? v.GetInt64() : null;
        return new(Long("permanentPopulation"), r.GetProperty("permanentRecords").GetInt64(), r.GetProperty("permanentUpdated").GetInt64(),
            r.GetProperty("permanentCoveragePct") is { ValueKind: JsonValueKind.Number } p ? p.GetDecimal() : null,
            r.GetProperty("over100").GetBoolean(), r.GetProperty("noDenominator").GetBoolean(), Long("gap"));
    }

    static Expected FromCsv(string[] header, string[] f)
    {
        // The row's own columns come after the prefix (whose "code" is the subject's).
        string Cell(string name) => f[Array.IndexOf(header, name, 5)];
        long? Long(string name) => Cell(name) is { Length: > 0 } v ? long.Parse(v, CultureInfo.InvariantCulture) : null;
        return new(Long("permanentPopulation"), Long("permanentRecords")!.Value, Long("permanentUpdated")!.Value,
            Cell("permanentCoveragePct") is { Length: > 0 } p ? decimal.Parse(p, CultureInfo.InvariantCulture) : null,
            bool.Parse(Cell("over100")), bool.Parse(Cell("noDenominator")), Long("gap"));
    }

    /// <summary>One CSV line split on commas outside double quotes (names may be quoted).</summary>
    static string[] Fields(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (ch == '"' && quoted && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
            else if (ch == '"') quoted = !quoted;
            else if (ch == ',' && !quoted) { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(ch);
        }
        fields.Add(current.ToString());
        return [.. fields];
    }

    [Fact]
    public void ACommuneWithoutADenominatorHasNoRateAndIsFlagged()
    {
        var s = snapshots.Last(s => !s.Legacy);
        var without = s.Communes.Where(c => TruthSnapshot.Population(c.Counts) is null).Select(c => c.Code).ToList();
        Assert.NotEmpty(without);
        var report = queries.PermanentResidents(without[0], s.SnapshotId);
        Assert.Empty(report.Communes);
        Assert.Null(report.Total.PermanentPopulation);
        Assert.Null(report.Total.PermanentCoveragePct);
        Assert.Null(report.Total.Gap);
        Assert.Null(report.Total.Meets);
        Assert.True(report.Total.NoDenominator);
        Assert.False(report.Total.Over100);
    }

    [Fact]
    public void OverHundredPercentIsFlaggedNotCappedAndABlankPermanentPopulationIsNoDenominator()
    {
        var s = snapshots.Last(s => !s.Legacy);
        var withPopulation = s.Communes
            .Where(c => TruthSnapshot.Population(c.Counts) is not null && c.Counts.GetProperty("permanent_updated").GetInt64() >= 4)
            .Select(c => c.Code).ToList();
        var (over, blank) = (withPopulation[0], withPopulation[1]);
        var updated = s.Communes.Single(c => c.Code == over).Counts.GetProperty("permanent_updated").GetInt64();
        var csv = Path.Combine(fixture.NewFolder("permanent-over-100"), "population.csv");
        File.WriteAllText(csv, $"ward_code,year,population,permanent_population\n{over},{s.AsOf.Year},100000,{updated / 2}\n{blank},{s.AsOf.Year},100000,\n");

        using var db = new WarehouseDb(fixture.CopyDatabase());
        PopulationLoader.Load(db, csv);
        var report = new CoverageQueries(db).PermanentResidents(s.ProvinceCode, s.SnapshotId);
        var row = report.Communes.Single(r => r.Code == over);
        Assert.Equal(updated / 2, row.PermanentPopulation);
        Assert.Equal(Math.Round(updated * 100m / (updated / 2), 2, MidpointRounding.AwayFromZero), row.PermanentCoveragePct);
        Assert.True(row.PermanentCoveragePct > 100);
        Assert.True(row.Over100);
        Assert.Equal(0, row.Gap);
        Assert.True(row.Meets);
        var none = report.Communes.Single(r => r.Code == blank);
        Assert.True(none.NoDenominator);
        Assert.Null(none.PermanentCoveragePct);
        Assert.Null(none.PermanentPopulation);
        // The province sums the communes that have a denominator: the blank one adds nothing.
        Assert.Equal(report.Communes.Sum(r => r.PermanentPopulation ?? 0), report.Total.PermanentPopulation);
    }

    [Fact]
    public void AnOldWarehouseWithoutTheNewFiguresIsRebuiltOnceAtOpen()
    {
        var path = fixture.CopyDatabase();
        long Nulls(WarehouseDb db)
        {
            using var c = db.Open();
            return c.ExecuteScalar<long>("""
                SELECT (SELECT count(*) FROM mart_unit_kpi WHERE permanent_records IS NULL OR permanent_updated IS NULL)
                     + (SELECT count(*) FROM mart_bridged_kpi WHERE permanent_records IS NULL OR permanent_updated IS NULL)
                """);
        }
        using (var db = new WarehouseDb(path))
        {
            Assert.Equal(0, Nulls(db));
            using var c = db.Open();
            Assert.Equal(KpiMarts.Version, c.ExecuteScalar<string>("SELECT value FROM wh_meta WHERE key = 'kpi_marts_version'"));
            c.Execute("""
                UPDATE mart_unit_kpi SET permanent_records = NULL, permanent_updated = NULL;
                UPDATE mart_bridged_kpi SET permanent_records = NULL, permanent_updated = NULL;
                DELETE FROM wh_meta WHERE key = 'kpi_marts_version';
                CHECKPOINT;
                """);
            Assert.True(Nulls(db) > 0);
        }
        using (var db = Pipeline.Open(path))
        {
            Assert.Equal(0, Nulls(db));
            using (var c = db.Open())
                Assert.Equal(KpiMarts.Version, c.ExecuteScalar<string>("SELECT value FROM wh_meta WHERE key = 'kpi_marts_version'"));
            Assert.Empty(KpiMarts.BuildMissing(db));
            var errors = new List<string>();
            var q = new CoverageQueries(db);
            foreach (var s in snapshots)
                Compare(errors, $"{s.SnapshotId} province", s.Province, Expected.Of(q.PermanentResidents(s.ProvinceCode, s.SnapshotId).Total));
            Assert.Empty(errors);
        }
    }

    [Fact]
    public void AWarehouseCreatedBeforeTheColumnsGetsThemAtOpen()
    {
        var path = fixture.CopyDatabase();
        using (var db = new WarehouseDb(path))
        using (var c = db.Open())
            c.Execute("""
                ALTER TABLE mart_unit_kpi DROP COLUMN permanent_records; ALTER TABLE mart_unit_kpi DROP COLUMN permanent_updated;
                ALTER TABLE mart_bridged_kpi DROP COLUMN permanent_records; ALTER TABLE mart_bridged_kpi DROP COLUMN permanent_updated;
                DELETE FROM wh_meta WHERE key = 'kpi_marts_version';
                CHECKPOINT;
                """);
        using (var db = Pipeline.Open(path))
        {
            var s = snapshots[^1];
            var errors = new List<string>();
            Compare(errors, "province", s.Province, Expected.Of(new CoverageQueries(db).PermanentResidents(s.ProvinceCode, s.SnapshotId).Total));
            Assert.Empty(errors);
            // The other figures survive the reshaped table (inserts name their columns).
            Assert.Equal(s.Province.GetProperty("managed").GetInt64(),
                new CoverageQueries(db).Children(new CoverageRequest(s.ProvinceCode) { SnapshotId = s.SnapshotId }).Total.Managed);
        }
    }
}
