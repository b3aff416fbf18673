using System.Text.Json;
using Dapper;
using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Synthetic;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;
using Xunit.Abstractions;

namespace HoSoSucKhoe.Tests.Models;

/// <summary>Twelve monthly snapshots (Oct 2024 – Sep 2025, across the reform) of a small generated province, loaded.</summary>
public sealed class ProgrammeFixture : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "hssk-prog-" + Guid.NewGuid().ToString("N")[..8]);
    public WarehouseDb Db { get; }
    public JsonElement Truth { get; }

    public ProgrammeFixture()
    {
        var options = new GeneratorOptions("20", 0.004, new DateOnly(2024, 10, 1), new DateOnly(2025, 9, 1), Path.Combine(Root, "s"), 16);
        var folders = SyntheticProvince.Generate(options);
        using (var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(options.OutDir, "truth.json")))) Truth = doc.RootElement.Clone();
        Db = new WarehouseDb(Path.Combine(Root, "w.duckdb"));
        PopulationLoader.Load(Db, Path.Combine(options.OutDir, "population.csv"));
        WarehouseFixture.Loader(Db).LoadAll(folders, replace: false);
    }

    public void Dispose()
    {
        Db.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

/// <summary>The programme marts and queries against the generator's truth, exactly, for both diseases.</summary>
public sealed class ProgrammeTruthTests(ProgrammeFixture fixture, ITestOutputHelper output) : IClassFixture<ProgrammeFixture>
{
    static readonly string[] MonthNames = ["under_care", "controlled", "uncontrolled", "missed_visit", "no_measure", "lost"];
    static readonly string[] CohortNames = ["registered", "controlled", "uncontrolled", "missed_visit", "no_measure"];

    static long[] Of(ProgrammeMonthCounts c) => [c.UnderCare, c.Controlled, c.Uncontrolled, c.MissedVisit, c.VisitedWithoutMeasurement, c.LostToFollowUp];
    static long[] Of(ProgrammeCohortCounts c) => [c.Registered, c.Controlled, c.Uncontrolled, c.MissedVisit, c.VisitedWithoutMeasurement];
    static long[] Of(JsonElement e, string[] names) => names.Select(n => e.GetProperty(n).GetInt64()).ToArray();

    /// <summary>Mart rows of one snapshot: (disease, month, ward) → counts.</summary>
    Dictionary<(string, DateOnly, string), long[]> Mart(string snapshotId)
    {
        using var c = fixture.Db.Open();
        return c.Query<(string Disease, DateOnly Month, string Ward, int U, int C, int Un, int M, int N, int L)>("""
            SELECT disease, month, ward_code, under_care, controlled, uncontrolled, missed_visit, no_measure, lost
            FROM ncd_prog_month WHERE snapshot_id = $sid
            """, new { sid = snapshotId })
            .ToDictionary(r => (r.Disease, r.Month, r.Ward), r => new long[] { r.U, r.C, r.Un, r.M, r.N, r.L });
    }

    [Fact]
    public void EverySnapshotsMonthsEqualTheTruthPerCommuneAndProvinceForBothDiseases()
    {
        var snapshots = fixture.Truth.GetProperty("snapshots").EnumerateArray().ToList();
        Assert.True(snapshots.Count >= 12);
        var compared = 0;
        foreach (var s in snapshots)
        {
            var sid = s.GetProperty("snapshot_id").GetString()!;
            var mart = Mart(sid);
            foreach (var disease in ProgrammeDiseases.All)
            foreach (var month in s.GetProperty("programme").GetProperty(disease).GetProperty("months").EnumerateObject())
            {
                var m = DateOnly.ParseExact(month.Name + "-01", "yyyy-MM-dd");
                var communes = month.Value.GetProperty("communes").EnumerateObject().ToDictionary(p => p.Name, p => Of(p.Value, MonthNames));
                var martCommunes = mart.Where(kv => kv.Key.Item1 == disease && kv.Key.Item2 == m).ToDictionary(kv => kv.Key.Item3, kv => kv.Value);
                foreach (var code in communes.Keys.Union(martCommunes.Keys))
                {
                    var t = communes.GetValueOrDefault(code) ?? new long[6];
                    var w = martCommunes.GetValueOrDefault(code) ?? new long[6];
                    Assert.True(t.SequenceEqual(w), $"{sid} {disease} {month.Name} {code}: truth [{string.Join(',', t)}] warehouse [{string.Join(',', w)}]");
                    compared++;
                }
                var province = Of(month.Value.GetProperty("province"), MonthNames);
                var sum = Enumerable.Range(0, 6).Select(i => martCommunes.Values.Sum(v => v[i])).ToArray();
                Assert.True(province.SequenceEqual(sum), $"{sid} {disease} {month.Name} province");
            }
        }
        Assert.True(compared > 100, $"{compared} commune-months compared");
    }

    [Fact]
    public void TheGeneratorHasPatientsWhoDieMoveAreLostAndReturn()
    {
        var last = fixture.Truth.GetProperty("snapshots").EnumerateArray().Last().GetProperty("programme");
        foreach (var disease in ProgrammeDiseases.All)
        {
            var months = last.GetProperty(disease).GetProperty("months").EnumerateObject().Select(m => m.Value.GetProperty("province")).ToList();
            var lost = months.Max(m => m.GetProperty("lost").GetInt64());
            var returned = last.GetProperty(disease).GetProperty("returned_after_loss").GetInt64();
            output.WriteLine($"{disease}: lost up to {lost}/month, returned after a loss {returned}, under care {months[^1].GetProperty("under_care")}");
            Assert.True(lost > 0, $"{disease}: nobody lost to follow-up");
            Assert.True(months.All(m => m.GetProperty("under_care").GetInt64() > 0));
        }
        Assert.True(last.GetProperty("htn").GetProperty("returned_after_loss").GetInt64() > 0, "no hypertension patient returns after a loss");
        // Moves: registered patients whose record changed commune by the latest snapshot (counted where they live now,
        // which the commune-month comparisons above check), and the same records in another commune in an earlier snapshot.
        var moved = last.GetProperty("htn").GetProperty("moved_commune").GetInt64();
        output.WriteLine($"htn patients who moved commune: {moved}, dm: {last.GetProperty("dm").GetProperty("moved_commune").GetInt64()}");
        Assert.True(moved > 0, "no hypertension patient moves commune");
        // Deaths: registered patients under care in an earlier month and dead by the latest snapshot.
        using var c = fixture.Db.Open();
        var latest = SnapshotCatalog.All(c).Last();
        var died = c.ExecuteScalar<long>("""
            SELECT count(*) FROM fact_record WHERE snapshot_id = $sid AND death_date IS NOT NULL AND death_date > $asof::DATE - INTERVAL 12 MONTH
              AND (hx_hypertension OR hx_diabetes)
            """, new { sid = latest.SnapshotId, asof = latest.AsOf.ToDateTime(TimeOnly.MinValue) });
        output.WriteLine($"registered patients who died in the last 12 months: {died}");
        Assert.True(died > 0);
        var first = SnapshotCatalog.All(c).First(s => s.CodeSystem == latest.CodeSystem);
        var movedRecords = c.ExecuteScalar<long>("""
            SELECT count(*) FROM fact_record a JOIN fact_record b USING (record_id)
            WHERE a.snapshot_id = $first AND b.snapshot_id = $latest AND a.ward_code <> b.ward_code
              AND a.dq_flags & 8 = 0 AND b.dq_flags & 8 = 0 AND (b.hx_hypertension OR b.hx_diabetes)
            """, new { first = first.SnapshotId, latest = latest.SnapshotId });
        output.WriteLine($"registered patients in another commune in {first.SnapshotId} than in {latest.SnapshotId}: {movedRecords}");
        Assert.True(movedRecords > 0);
    }

    [Fact]
    public void CohortsEqualTheTruth()
    {
        using var c = fixture.Db.Open();
        var all = SnapshotCatalog.All(c);
        var latest = all.Last();
        var truth = fixture.Truth.GetProperty("snapshots").EnumerateArray().Last().GetProperty("programme");
        var q = new ProgrammeQueries(fixture.Db);
        var checkedCohorts = 0;
        foreach (var disease in ProgrammeDiseases.All)
        {
            var raw = q.RawCohorts(latest, all, disease);
            foreach (var cohort in truth.GetProperty(disease).GetProperty("cohorts").EnumerateObject())
            {
                var start = DateOnly.ParseExact(cohort.Name, "yyyy-MM-dd");
                var expected = cohort.Value.GetProperty("communes").EnumerateObject().ToDictionary(p => p.Name, p => Of(p.Value, CohortNames));
                expected[latest.ProvinceCode] = Of(cohort.Value.GetProperty("province"), CohortNames);
                var got = raw.Where(kv => kv.Key.Quarter == start).ToDictionary(kv => kv.Key.Unit, kv => Of(kv.Value));
                foreach (var code in expected.Keys.Union(got.Keys))
                {
                    var t = expected.GetValueOrDefault(code) ?? new long[5];
                    var w = got.GetValueOrDefault(code) ?? new long[5];
                    Assert.True(t.SequenceEqual(w), $"{disease} cohort {cohort.Name} {code}: truth [{string.Join(',', t)}] warehouse [{string.Join(',', w)}]");
                }
                output.WriteLine($"{disease} {cohort.Name}: [{string.Join(',', expected[latest.ProvinceCode])}]");
                checkedCohorts++;
            }
        }
        Assert.True(checkedCohorts >= 4);
    }

    [Fact]
    public void TrendTakesEachMonthFromItsSnapshotAndTheProvinceEqualsTheTruth()
    {
        using var c = fixture.Db.Open();
        var all = SnapshotCatalog.All(c);
        var latest = all.Last();
        var q = new ProgrammeQueries(fixture.Db);
        var truths = fixture.Truth.GetProperty("snapshots").EnumerateArray().ToList();
        foreach (var disease in ProgrammeDiseases.All)
        {
            var trend = q.Trend(latest, all, disease, unit: latest.ProvinceCode, audience: new Audience(latest.ProvinceCode));
            Assert.Equal(ProgrammeQueries.TrendMonths, trend.Rows.Count);
            foreach (var row in trend.Rows)
            {
                var t = truths.FirstOrDefault(s => s.GetProperty("snapshot_id").GetString() == row.SourceSnapshotId);
                Assert.True(t.ValueKind == JsonValueKind.Object);
                var month = t.GetProperty("programme").GetProperty(disease).GetProperty("months").GetProperty(row.Month.ToString("yyyy-MM")).GetProperty("province");
                long[] got = [row.UnderCare!.Value, row.Controlled!.Value, row.Uncontrolled!.Value, row.MissedVisit!.Value, row.VisitedWithoutMeasurement!.Value, row.LostToFollowUp!.Value];
                Assert.True(Of(month, MonthNames).SequenceEqual(got), $"{disease} {row.Month:yyyy-MM} ({row.Source} {row.SourceSnapshotId})");
            }
            var snapshotMonths = trend.Rows.Count(r => r.Source == ProgrammeSources.Snapshot);
            output.WriteLine($"{disease}: {snapshotMonths} months from their snapshot, {trend.Rows.Count - snapshotMonths} from the history; bridged {trend.Rows.Count(r => r.Bridged)}");
            Assert.True(snapshotMonths >= 12);
        }
    }

    [Fact]
    public void SmallCountsAreHiddenAndNoShareRevealsThem()
    {
        using var c = fixture.Db.Open();
        var all = SnapshotCatalog.All(c);
        var latest = all.Last();
        var q = new ProgrammeQueries(fixture.Db);
        foreach (var disease in ProgrammeDiseases.All)
        {
            var raw = q.RawMonths(latest, all, disease);
            var trend = q.Trend(latest, all, disease, includeLost: true);
            var hidden = 0;
            foreach (var r in trend.Rows)
            {
                var x = raw.GetValueOrDefault((r.Month, r.UnitCode));
                int[] values = [x.Controlled, x.Uncontrolled, x.MissedVisit, x.VisitedWithoutMeasurement, x.LostToFollowUp];
                int?[] shown = [r.Controlled, r.Uncontrolled, r.MissedVisit, r.VisitedWithoutMeasurement, r.LostToFollowUp];
                double?[] shares = [r.ControlledShare, r.UncontrolledShare, r.MissedVisitShare, r.VisitedWithoutMeasurementShare, r.LostToFollowUpShare];
                for (var i = 0; i < values.Length; i++)
                {
                    if (HoSoSucKhoe.Models.Disclosure.Disclosure.IsSmall(values[i])) Assert.Null(shown[i]);
                    if (shown[i] is null) { Assert.Null(shares[i]); Assert.True(r.Suppressed); hidden++; }
                }
                if (r.Denominator is null) Assert.All(shares, s => Assert.Null(s));
            }
            output.WriteLine($"{disease}: {hidden} hidden cells over {trend.Rows.Count} rows");
            Assert.True(hidden > 0);
            // The commune's own officer sees its counts.
            var commune = trend.Rows.First(r => r.Level == "commune" && r.Suppressed);
            var own = q.Trend(latest, all, disease, commune.UnitCode, includeLost: true, audience: new Audience(commune.UnitCode))
                .Rows.First(r => r.Month == commune.Month);
            Assert.False(own.Suppressed);
            Assert.Equal(raw[(commune.Month, commune.UnitCode)].Controlled, own.Controlled);
        }
    }

    static long Half(double x) => (long)Math.Round((decimal)x, MidpointRounding.AwayFromZero);

    /// <summary>Each 2025 commune's trend months taken from a legacy snapshot equal the legacy truth of its legacy communes
    /// weighted by bridge.csv (rounded half away from zero, under care = Σ rounded statuses), computed here from truth.json
    /// independently of the queries; approximate exactly when a partial link with patients contributes.</summary>
    [Fact]
    public void CommuneTrendAcrossTheReformGivesTheBridgedTruthAndMarksSplitsApproximate()
    {
        using var c = fixture.Db.Open();
        var all = SnapshotCatalog.All(c);
        var latest = all.Last();
        Assert.Equal(ReferenceData.System2025, latest.CodeSystem);
        var bridge = ReferenceData.Load().Bridge;
        var truths = fixture.Truth.GetProperty("snapshots").EnumerateArray().ToDictionary(s => s.GetProperty("snapshot_id").GetString()!);
        var q = new ProgrammeQueries(fixture.Db);
        var communes = q.RawMonths(latest, all, "htn").Keys.Select(k => k.Unit).Where(u => u != latest.ProvinceCode).Distinct().ToList();
        var errors = new List<string>();
        int bridgedRows = 0, approximateRows = 0, exactRows = 0;
        foreach (var disease in ProgrammeDiseases.All)
        foreach (var code in communes)
        {
            var links = bridge.Where(b => b.NewCode == code).DistinctBy(b => b.OldCode).ToList();
            var trend = q.Trend(latest, all, disease, code, audience: new Audience(code));
            foreach (var row in trend.Rows.Where(r => r.Level == "commune"))
            {
                var source = all.Single(s => s.SnapshotId == row.SourceSnapshotId);
                Assert.Equal(source.CodeSystem == ReferenceData.SystemLegacy, row.Bridged);
                var month = truths[row.SourceSnapshotId].GetProperty("programme").GetProperty(disease).GetProperty("months")
                    .GetProperty(row.Month.ToString("yyyy-MM")).GetProperty("communes");
                long[] got = [row.UnderCare!.Value, row.Controlled!.Value, row.Uncontrolled!.Value, row.MissedVisit!.Value,
                    row.VisitedWithoutMeasurement!.Value, row.LostToFollowUp!.Value];
                long[] expected;
                bool approximate;
                if (!row.Bridged)
                {
                    expected = month.TryGetProperty(code, out var own) ? Of(own, MonthNames) : new long[6];
                    approximate = false;
                }
                else
                {
                    bridgedRows++;
                    var sums = new double[6];
                    approximate = false;
                    foreach (var l in links)
                    {
                        if (!month.TryGetProperty(l.OldCode, out var old)) continue;
                        var v = Of(old, MonthNames);
                        for (var i = 0; i < 6; i++) sums[i] += l.Weight * v[i];
                        approximate |= l.Link == "partial" && (v[0] > 0 || v[5] > 0);
                    }
                    var parts = sums.Select(Half).ToArray();
                    expected = [parts[1] + parts[2] + parts[3] + parts[4], parts[1], parts[2], parts[3], parts[4], parts[5]];
                    if (approximate) approximateRows++; else exactRows++;
                }
                if (!expected.SequenceEqual(got))
                    errors.Add($"{disease} {code} {row.Month:yyyy-MM} ({row.SourceSnapshotId}): expected [{string.Join(',', expected)}] got [{string.Join(',', got)}]");
                if (approximate != row.Approximate) errors.Add($"{disease} {code} {row.Month:yyyy-MM}: approximate expected {approximate}, got {row.Approximate}");
            }
        }
        output.WriteLine($"{communes.Count} communes: {bridgedRows} bridged commune-months ({approximateRows} approximate, {exactRows} exact)");
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(20)));
        Assert.True(approximateRows > 0, "no split legacy commune contributes");
        Assert.True(exactRows > 0, "no whole-link bridged commune-month");
    }
}
