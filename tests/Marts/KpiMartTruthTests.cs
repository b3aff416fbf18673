using Dapper;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse.Marts;
using Xunit.Abstractions;

namespace HoSoSucKhoe.Tests.Marts;

/// <summary>Every figure of the KPI marts against truth.json of the generated province.</summary>
[Collection("warehouse")]
public sealed class KpiMartTruthTests(WarehouseFixture fixture, ITestOutputHelper output)
{
    readonly CoverageQueries queries = new(fixture.Db);
    readonly IReadOnlyList<TruthSnapshot> snapshots = TruthSnapshot.All(fixture.Truth);

    IDictionary<string, object> MartRow(string sid, string level, string code)
    {
        using var c = fixture.Db.Open();
        return (IDictionary<string, object>)c.QuerySingle(
            "SELECT * FROM mart_unit_kpi WHERE snapshot_id = $sid AND level = $level AND unit_code = $code", new { sid, level, code });
    }

    static void CompareCounts(List<string> errors, string where, System.Text.Json.JsonElement truth, IDictionary<string, object> mart)
    {
        foreach (var (name, expected) in TruthSnapshot.Counts(truth))
        {
            var actual = Convert.ToInt64(mart[name]);
            if (actual != expected) errors.Add($"{where} {name}: truth {expected}, mart {actual}");
        }
    }

    static void CompareRow(List<string> errors, string where, System.Text.Json.JsonElement truth, CoverageRow row)
    {
        var population = TruthSnapshot.Population(truth);
        var coverage = TruthSnapshot.Coverage(truth);
        var managed = truth.GetProperty("managed").GetInt64();
        void Check<T>(string what, T expected, T actual)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual)) errors.Add($"{where} {what}: truth {expected}, query {actual}");
        }
        Check("population", population, row.Population);
        Check("records_linked", truth.GetProperty("records_linked").GetInt64(), row.RecordsLinked);
        Check("examined", truth.GetProperty("examined").GetInt64(), row.Examined);
        Check("managed", managed, row.Managed);
        Check("coverage_pct", coverage, row.CoveragePct);
        Check("over_100", population is { } p && managed > p, row.Over100);
        Check("no_denominator", population is null, row.NoDenominator);
        Check("approximate", false, row.Approximate);
    }

    [Fact]
    public void EveryCommuneCountMatchesTruthInEverySnapshot()
    {
        output.WriteLine($"fixture: generated in {fixture.GenerateTime.TotalSeconds:0.0} s, loaded in {fixture.LoadTime.TotalSeconds:0.0} s");
        var errors = new List<string>();
        foreach (var s in snapshots)
            foreach (var (code, counts) in s.Communes)
                CompareCounts(errors, $"{s.SnapshotId} commune {code}", counts, MartRow(s.SnapshotId, "commune", code));
        Assert.Empty(errors);
        Assert.Contains(snapshots, s => s.Legacy);
        Assert.Contains(snapshots, s => !s.Legacy);
    }

    [Fact]
    public void AppendixRowsOfEveryCommuneMatchTruthIncludingPopulationAndCoverage()
    {
        var errors = new List<string>();
        foreach (var s in snapshots)
        {
            var table = queries.Children(new CoverageRequest(s.ProvinceCode) { SnapshotId = s.SnapshotId });
            Assert.Equal(s.SnapshotId, table.Snapshot.SnapshotId);
            Assert.Equal(s.Communes.Select(c => c.Code).Order(StringComparer.Ordinal), table.Rows.Select(r => r.Code));
            foreach (var (code, counts) in s.Communes)
                CompareRow(errors, $"{s.SnapshotId} commune {code}", counts, table.Rows.Single(r => r.Code == code));
            CompareRow(errors, $"{s.SnapshotId} province", s.Province, table.Total);
        }
        Assert.Empty(errors);
    }

    [Fact]
    public void DistrictRowsOfLegacySnapshotsMatchTruth()
    {
        var errors = new List<string>();
        var legacy = snapshots.Where(s => s.Legacy).ToList();
        Assert.NotEmpty(legacy);
        foreach (var s in legacy)
        {
            var districts = queries.Children(new CoverageRequest(s.ProvinceCode) { SnapshotId = s.SnapshotId, Level = "district" });
            Assert.Equal(s.Districts.Select(d => d.Code).Order(StringComparer.Ordinal), districts.Rows.Select(r => r.Code));
            foreach (var (code, counts) in s.Districts)
            {
                CompareRow(errors, $"{s.SnapshotId} district {code}", counts, districts.Rows.Single(r => r.Code == code));
                CompareCounts(errors, $"{s.SnapshotId} district {code}", counts, MartRow(s.SnapshotId, "district", code));

                // The old communes of one district, as the Bắc Từ Liêm appendix lists them, total to the district row.
                var communes = queries.Children(new CoverageRequest(code) { SnapshotId = s.SnapshotId });
                CompareRow(errors, $"{s.SnapshotId} district {code} (own table)", counts, communes.Total);
                foreach (var row in communes.Rows)
                    CompareRow(errors, $"{s.SnapshotId} commune {row.Code}", s.Communes.Single(c => c.Code == row.Code).Counts, row);
            }
        }
        Assert.Empty(errors);
    }

    [Fact]
    public void ProvinceTotalsAndUnknownWardsMatchTruth()
    {
        var errors = new List<string>();
        foreach (var s in snapshots)
        {
            var mart = MartRow(s.SnapshotId, "province", s.ProvinceCode);
            CompareCounts(errors, $"{s.SnapshotId} province", s.Province, mart);
            if (Convert.ToInt64(mart["unknown_ward"]) != s.UnknownWardRecords)
                errors.Add($"{s.SnapshotId} unknown_ward: truth {s.UnknownWardRecords}, mart {mart["unknown_ward"]}");
            var dq = queries.DataQuality(s.ProvinceCode, s.SnapshotId);
            Assert.Equal(s.UnknownWardRecords, dq.Checks.Single(c => c.Check == "unknown_ward").Count);
        }
        Assert.Empty(errors);
        Assert.Contains(snapshots, s => s.UnknownWardRecords > 0);
    }

    [Fact]
    public void CoverageOverHundredPercentIsFlaggedNotCapped()
    {
        var over = 0;
        foreach (var s in snapshots)
        {
            var rows = queries.Children(new CoverageRequest(s.ProvinceCode) { SnapshotId = s.SnapshotId }).Rows;
            foreach (var (code, counts) in s.Communes)
            {
                if (TruthSnapshot.Population(counts) is not { } pop || counts.GetProperty("managed").GetInt64() <= pop) continue;
                var row = rows.Single(r => r.Code == code);
                Assert.True(row.Over100, code);
                Assert.True(row.CoveragePct > 100m, $"{code}: {row.CoveragePct}");
                Assert.True(row.Targets.All(t => t.Meets == true && t.Gap == 0), code);
                over++;
            }
            var flagged = queries.Children(new CoverageRequest(s.ProvinceCode) { SnapshotId = s.SnapshotId, Over100 = true }).Rows;
            Assert.All(flagged, r => Assert.True(r.Managed > r.Population));
        }
        Assert.True(over > 0, "the generated province should have communes over 100 %");
    }

    [Fact]
    public void CommuneWithoutDenominatorSaysSoAndProvinceSumSkipsIt()
    {
        var s = snapshots[^1];
        var missing = s.Communes.Where(c => TruthSnapshot.Population(c.Counts) is null).Select(c => c.Code).ToList();
        Assert.NotEmpty(missing);
        var table = queries.Children(new CoverageRequest(s.ProvinceCode) { SnapshotId = s.SnapshotId });
        foreach (var code in missing)
        {
            var row = table.Rows.Single(r => r.Code == code);
            Assert.True(row.NoDenominator);
            Assert.Null(row.Population);
            Assert.Null(row.CoveragePct);
            Assert.All(row.Targets, t => { Assert.Null(t.Gap); Assert.Null(t.Meets); });
        }
        Assert.Equal(table.Rows.Sum(r => r.Population ?? 0), table.Total.Population);
    }

    [Fact]
    public void GapToTargetIsPeopleStillToManage()
    {
        var table = queries.Children(new CoverageRequest(fixture.Options.ProvinceCode));
        Assert.Equal(["90_2025", "95_2030"], table.Targets.Select(t => t.Key));
        foreach (var row in table.Rows.Where(r => r.Population is not null))
            foreach (var (target, gap) in table.Targets.Zip(row.Targets))
            {
                var needed = (long)Math.Ceiling((decimal)target.Percent / 100m * row.Population!.Value);
                Assert.Equal(Math.Max(0, needed - row.Managed), gap.Gap);
                Assert.Equal(row.Managed * 100m >= (decimal)target.Percent * row.Population.Value, gap.Meets);
            }
    }

    static string Json(object o) => System.Text.Json.JsonSerializer.Serialize(o);

    [Fact]
    public void ChildrenAreSortableAndFilterableBelowATarget()
    {
        var all = queries.Children(new CoverageRequest(fixture.Options.ProvinceCode));
        var below = queries.Children(new CoverageRequest(fixture.Options.ProvinceCode) { Below = 90, Sort = "coverage_pct" });
        Assert.Equal(all.Rows.Count(r => r.CoveragePct < 90m), below.Rows.Count);
        Assert.True(below.Rows.Count > 0);
        Assert.Equal(below.Rows.Select(r => r.CoveragePct).Order(), below.Rows.Select(r => r.CoveragePct));
        Assert.Equal(Json(all.Total), Json(below.Total));

        var byManaged = queries.Children(new CoverageRequest(fixture.Options.ProvinceCode) { Sort = "managed", Descending = true });
        Assert.Equal(all.Rows.Select(r => r.Managed).OrderDescending(), byManaged.Rows.Select(r => r.Managed));
        var byGap = queries.Children(new CoverageRequest(fixture.Options.ProvinceCode) { Sort = "gap", Descending = true });
        Assert.Null(byGap.Rows[^1].Targets[0].Gap);   // no denominator: last either way

        Assert.Throws<ArgumentException>(() => queries.Children(new CoverageRequest(fixture.Options.ProvinceCode) { Sort = "population; DROP" }));
    }

    [Fact]
    public void DefaultSnapshotIsTheLatestOfTheMatchingCodeSystem()
    {
        var province = fixture.Options.ProvinceCode;
        Assert.Equal(snapshots[^1].SnapshotId, queries.Children(new CoverageRequest(province)).Snapshot.SnapshotId);
        var lastLegacy = snapshots.Last(s => s.Legacy);
        Assert.Equal(lastLegacy.SnapshotId, queries.Children(new CoverageRequest(province) { Level = "district" }).Snapshot.SnapshotId);
        var district = lastLegacy.Districts.First().Code;
        Assert.Equal(lastLegacy.SnapshotId, queries.Children(new CoverageRequest(district)).Snapshot.SnapshotId);
    }

    [Fact]
    public void UnknownSnapshotOrUnitIsNotFoundAndMalformedCodeIsABadArgument()
    {
        var province = fixture.Options.ProvinceCode;
        var e = Assert.Throws<KpiNotFoundException>(() => queries.Children(new CoverageRequest(province) { SnapshotId = "no-such-snapshot" }));
        Assert.Equal(KpiNotFoundException.What.Snapshot, e.NotFound);
        e = Assert.Throws<KpiNotFoundException>(() => queries.Children(new CoverageRequest("99")));
        Assert.Equal(KpiNotFoundException.What.Unit, e.NotFound);
        // A 2025 snapshot has no legacy district.
        e = Assert.Throws<KpiNotFoundException>(() => queries.Children(new CoverageRequest(snapshots.First(s => s.Legacy).Districts.First().Code)
            { SnapshotId = snapshots[^1].SnapshotId }));
        Assert.Equal(KpiNotFoundException.What.Unit, e.NotFound);
        Assert.Throws<KpiNotFoundException>(() => queries.Series("99999"));
        Assert.Throws<KpiNotFoundException>(() => queries.DataQuality("01", snapshots[^1].SnapshotId));
        Assert.Throws<ArgumentException>(() => queries.Children(new CoverageRequest("2x")));
        Assert.Throws<ArgumentException>(() => queries.Completeness("1234"));
    }

    [Fact]
    public void CompletenessAndPriorityGroupsOfEveryCommuneMatchTruth()
    {
        var errors = new List<string>();
        var s = snapshots[^1];
        foreach (var (code, counts) in s.Communes.Append(("province", s.Province)))
        {
            var unit = code == "province" ? s.ProvinceCode : code;
            var completeness = queries.Completeness(unit, s.SnapshotId);
            foreach (var g in completeness.Groups)
            {
                var expected = counts.GetProperty("complete_" + g.Group).GetInt64();
                if (g.Complete != expected) errors.Add($"{unit} complete_{g.Group}: truth {expected}, query {g.Complete}");
            }
            var groups = queries.PriorityGroups(unit, s.SnapshotId);
            foreach (var g in groups.Groups)
            {
                var expected = counts.GetProperty($"priority_group{g.Group}").GetInt64();
                if (g.Records != expected) errors.Add($"{unit} priority_group{g.Group}: truth {expected}, query {g.Records}");
            }
            Assert.Equal(groups.RecordsLinked, groups.AgeSex.Sum(a => a.RecordsLinked));
            Assert.Equal(groups.Groups.Sum(g => g.Records), groups.AgeSex.Sum(a => a.PriorityGroup1 + a.PriorityGroup2 + a.PriorityGroup3));
        }
        Assert.Empty(errors);
    }

    [Fact]
    public void PriorityGroupCoverageUsesTheAgeSexDenominators()
    {
        var s = snapshots[^1];
        var report = queries.PriorityGroups(s.ProvinceCode, s.SnapshotId);
        Assert.True(report.HasAgeSexDenominators);   // the generated population.csv has age_band and sex
        var total = queries.Children(new CoverageRequest(s.ProvinceCode) { SnapshotId = s.SnapshotId }).Total;
        Assert.Equal(total.Population, report.AgeSex.Sum(a => a.Population ?? 0));
        Assert.Equal(total.Population, report.Groups.Sum(g => g.CorePopulation));
        foreach (var g in report.Groups)
            Assert.Equal(Math.Round(g.CoreManaged * 100m / g.CorePopulation!.Value, 2, MidpointRounding.AwayFromZero), g.CoreCoveragePct);
        var over50 = report.AgeSex.Where(a => a.AgeBand is "50-54" or "55-59" or "60-64" or "65-69" or "70-74" or "75-79" or "80+").ToList();
        Assert.Equal(over50.Sum(a => a.Managed), report.Groups[0].CoreManaged);
        Assert.All(report.AgeSex.Where(a => a.Population > 0), a =>
            Assert.Equal(Math.Round(a.Managed * 100m / a.Population!.Value, 2, MidpointRounding.AwayFromZero), a.CoveragePct));
    }

    [Fact]
    public void DataQualityOfEveryCommuneMatchesTruth()
    {
        string[] checks = ["duplicate_citizen", "probable_duplicate", "missing_citizen_adult", "malformed_citizen", "missing_insurance",
            "missing_phone", "visit_after_death", "implausible_encounters", "unparseable_labs"];
        var errors = new List<string>();
        var s = snapshots[^1];
        foreach (var (code, counts) in s.Communes)
        {
            var dq = queries.DataQuality(code, s.SnapshotId);
            Assert.Equal(counts.GetProperty("records_all").GetInt64(), dq.RecordsAll);
            foreach (var check in checks)
            {
                var expected = counts.GetProperty(check).GetInt64();
                var actual = dq.Checks.Single(c => c.Check == check).Count;
                if (actual != expected) errors.Add($"{code} {check}: truth {expected}, query {actual}");
            }
            Assert.Equal(0, dq.Checks.Single(c => c.Check == "unknown_ward").Count);
            Assert.Equal(TruthSnapshot.Coverage(counts), dq.Coverage.CoveragePct);
        }
        Assert.Empty(errors);
    }
}
