using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Reference;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HoSoSucKhoe.Tests.Marts;

/// <summary>Completeness among visitors (issue 9 phase 2) against truth.json, and every target that applies to a unit
/// (the targets report: plan, value, gap, projection) through the query, the API and the <c>coverage</c> verb.</summary>
[Collection("warehouse")]
public sealed class VisitorsAndTargetsTests(WarehouseFixture fixture)
{
    readonly CoverageQueries queries = new(fixture.Db);
    readonly IReadOnlyList<TruthSnapshot> snapshots = TruthSnapshot.All(fixture.Truth);

    /// <summary>The expected row of a truth unit by docs/definitions.md against the default 100 % target.</summary>
    static (long Visitors, long Complete, decimal? Pct, bool NoDenominator, long? Gap) Expected(JsonElement unit)
    {
        var visitors = unit.GetProperty("visitors").GetInt64();
        var complete = unit.GetProperty("visitors_complete").GetInt64();
        return (visitors, complete, visitors > 0 ? Math.Round(complete * 100m / visitors, 2, MidpointRounding.AwayFromZero) : null,
            visitors == 0, visitors > 0 ? visitors - complete : null);
    }

    static (long, long, decimal?, bool, long?) Actual(VisitorsCompletenessRow r) => (r.Visitors, r.VisitorsComplete, r.CompletePct, r.NoDenominator, r.Gap);

    [Fact]
    public void EveryCommuneDistrictAndProvinceOfEverySnapshotMatchesTruth()
    {
        var errors = new List<string>();
        foreach (var s in snapshots)
        {
            var report = queries.VisitorsCompleteness(s.ProvinceCode, s.SnapshotId);
            Assert.Equal(100, report.TargetPct);
            Assert.Equal(s.Communes.Select(c => c.Code).Order(StringComparer.Ordinal), report.Communes.Select(r => r.Code));
            foreach (var (code, counts) in s.Communes)
                if (Expected(counts) != Actual(report.Communes.Single(r => r.Code == code)))
                    errors.Add($"{s.SnapshotId} commune {code}: truth {Expected(counts)}, got {Actual(report.Communes.Single(r => r.Code == code))}");
            if (Expected(s.Province) != Actual(report.Total)) errors.Add($"{s.SnapshotId} province: truth {Expected(s.Province)}, got {Actual(report.Total)}");
            foreach (var (code, counts) in s.Districts)
            {
                var district = queries.VisitorsCompleteness(code, s.SnapshotId);
                if (Expected(counts) != Actual(district.Total)) errors.Add($"{s.SnapshotId} district {code}: truth {Expected(counts)}, got {Actual(district.Total)}");
                Assert.NotEmpty(district.Communes);
            }
        }
        Assert.Empty(errors);
        // Not everyone had a visit, and not every visitor's record is complete: the figure is not trivially 0 % or 100 %.
        Assert.Contains(snapshots, s => s.Province.GetProperty("visitors").GetInt64() < s.Province.GetProperty("records_linked").GetInt64());
        Assert.Contains(snapshots, s => s.Province.GetProperty("visitors_complete").GetInt64() < s.Province.GetProperty("visitors").GetInt64());
        Assert.Contains(snapshots, s => s.Province.GetProperty("visitors_complete").GetInt64() > 0);
    }

    [Fact]
    public void BridgedVisitorCountsAreTheWeightedSumsOfTheOldCommunes()
    {
        var bridge = ReferenceData.Load().Bridge;
        using var c = fixture.Db.Open();
        var errors = new List<string>();
        foreach (var s in snapshots.Where(s => s.Legacy))
        {
            var old = s.Communes.ToDictionary(x => x.Code, x => x.Counts);
            var rows = c.Query<(string Code, double? Visitors, double? Complete)>(
                "SELECT unit_code, visitors, visitors_complete FROM mart_bridged_kpi WHERE snapshot_id = $sid AND level = 'commune'",
                new { sid = s.SnapshotId }).ToList();
            Assert.NotEmpty(rows);
            foreach (var r in rows)
            {
                var links = bridge.Where(b => b.NewCode == r.Code && old.ContainsKey(b.OldCode)).ToList();
                double Sum(string name) => links.Sum(l => l.Weight * old[l.OldCode].GetProperty(name).GetInt64());
                if (r.Visitors is not { } v || Math.Abs(v - Sum("visitors")) > 1e-6 || r.Complete is not { } k || Math.Abs(k - Sum("visitors_complete")) > 1e-6)
                    errors.Add($"{s.SnapshotId} bridged {r.Code}: {r.Visitors}/{r.Complete} vs {Sum("visitors")}/{Sum("visitors_complete")}");
            }
        }
        Assert.Empty(errors);
    }

    [Fact]
    public void AUnitWithoutVisitorsHasNoDenominatorNotADivisionByZero()
    {
        var path = fixture.CopyDatabase();
        var s = snapshots[^1];
        var commune = s.Communes.First().Code;
        using (var db = new WarehouseDb(path))
        {
            using (var c = db.Open())
                c.Execute("UPDATE mart_unit_kpi SET visitors = 0, visitors_complete = 0 WHERE snapshot_id = $sid AND unit_code = $commune",
                    new { sid = s.SnapshotId, commune });
            var q = new CoverageQueries(db);
            var row = q.VisitorsCompleteness(commune, s.SnapshotId).Total;
            Assert.True(row.NoDenominator);
            Assert.Null(row.CompletePct);
            Assert.Null(row.Gap);
            Assert.Null(row.Meets);
            var target = q.Targets(commune, s.SnapshotId).Targets.Single(t => t.Target.Measure == TargetMeasures.VisitorsComplete);
            Assert.True(target.NoDenominator);
            Assert.Null(target.ValuePct);
            Assert.Null(target.Gap);
        }
    }

    [Fact]
    public void TheTargetsReportListsEveryDefaultTargetWithItsPlanAndAgreesWithTheMeasuresOwnReports()
    {
        foreach (var s in snapshots)
        {
            var code = s.ProvinceCode;
            var report = queries.Targets(code, s.SnapshotId);
            Assert.Equal(["90_2025", "95_2030", "permanent_residents_95_2024", "visitors_complete_100_2025"], report.Targets.Select(t => t.Target.Key));
            Assert.All(report.Targets, t => Assert.False(string.IsNullOrWhiteSpace(t.Plan)));
            Assert.Contains("Kon Tum", report.Targets[0].Plan);
            Assert.Contains("Kiên Giang", report.Targets[2].Plan);
            Assert.Equal(new DateOnly(2025, 2, 15), report.Targets[3].Target.DueDate);

            var coverage = queries.Children(new CoverageRequest(code) { SnapshotId = s.SnapshotId }).Total;
            var permanent = queries.PermanentResidents(code, s.SnapshotId).Total;
            var visitors = queries.VisitorsCompleteness(code, s.SnapshotId).Total;
            Assert.Equal((coverage.Population, coverage.Managed, coverage.CoveragePct), (report.Targets[0].Denominator, report.Targets[0].Numerator, report.Targets[0].ValuePct));
            Assert.Equal(coverage.Targets.Select(g => g.Gap), report.Targets.Take(2).Select(t => t.Gap));
            Assert.Equal((permanent.PermanentPopulation, permanent.PermanentUpdated, permanent.PermanentCoveragePct, permanent.Gap),
                (report.Targets[2].Denominator, report.Targets[2].Numerator, report.Targets[2].ValuePct, report.Targets[2].Gap));
            Assert.Equal((visitors.Visitors, visitors.VisitorsComplete, visitors.CompletePct, visitors.Gap),
                (report.Targets[3].Denominator!.Value, report.Targets[3].Numerator, report.Targets[3].ValuePct, report.Targets[3].Gap));
            // The truth, independently: the visitors' gap to 100 % is every incomplete visitor.
            Assert.Equal(s.Province.GetProperty("visitors").GetInt64() - s.Province.GetProperty("visitors_complete").GetInt64(), report.Targets[3].Gap);
        }
    }

    [Fact]
    public void ProjectionsOfAPastSnapshotUseOnlyThePointsUpToIt()
    {
        var code = fixture.Options.ProvinceCode;
        var latest = snapshots[^1];
        var full = queries.Series(code);
        var now = queries.Targets(code, latest.SnapshotId);
        Assert.Equal(full.Projections, now.Targets.Select(t => t.Projection));
        var first = snapshots[0];
        var then = queries.Targets(code, first.SnapshotId);
        // One point (or its bridged twin) up to the first snapshot: too few points to fit a line, unless already reached.
        Assert.All(then.Targets, t => Assert.Contains(t.Projection.Status, new[] { "too_few_points", "reached" }));
        // Every measure has a series point per snapshot, equal to its own report.
        foreach (var s in snapshots.Where(s => !s.Legacy))
        {
            var point = full.Points.Single(p => p.SnapshotId == s.SnapshotId && !p.Bridged);
            var permanent = queries.PermanentResidents(code, s.SnapshotId).Total;
            var visitors = queries.VisitorsCompleteness(code, s.SnapshotId).Total;
            Assert.Equal(new MeasureValue(permanent.PermanentPopulation, permanent.PermanentUpdated, permanent.PermanentCoveragePct), point.PermanentResidents);
            Assert.Equal(new MeasureValue(visitors.Visitors, visitors.VisitorsComplete, visitors.CompletePct), point.VisitorsComplete);
        }
    }

    [Fact]
    public void ConfiguredTargetsCarryTheirPlanDueDateAndProvince()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coverage:Targets:0:Percent"] = "95", ["Coverage:Targets:0:Year"] = "2025", ["Coverage:Targets:0:Plan"] = "Quyết định 5349/QĐ-BYT",
            ["Coverage:Targets:1:Percent"] = "97", ["Coverage:Targets:1:Year"] = "2026", ["Coverage:Targets:1:Measure"] = "permanent_residents",
            ["Coverage:Targets:1:Due"] = "2026-06-30", ["Coverage:Targets:1:Plan"] = "Kế hoạch tỉnh",
            ["Coverage:Targets:2:Percent"] = "99", ["Coverage:Targets:2:Year"] = "2026", ["Coverage:Targets:2:Measure"] = "visitors_complete",
            ["Coverage:Targets:2:Province"] = "99",
        }).Build());
        services.AddSingleton(fixture.Db);
        services.AddCoverage();
        using var sp = services.BuildServiceProvider();
        var report = sp.GetRequiredService<CoverageQueries>().Targets(fixture.Options.ProvinceCode);
        Assert.Equal(["95_2025", "permanent_residents_97_2026"], report.Targets.Select(t => t.Target.Key)); // province 99's target does not apply
        Assert.Equal("Quyết định 5349/QĐ-BYT", report.Targets[0].Plan);
        Assert.Equal(new DateOnly(2026, 6, 30), report.Targets[1].Target.DueDate);
        Assert.Equal("97% vào 30/06/2026", report.Targets[1].Target.Label);

        var bad = new ServiceCollection();
        bad.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        { ["Coverage:Targets:0:Percent"] = "95", ["Coverage:Targets:0:Year"] = "2025", ["Coverage:Targets:0:Measure"] = "tiem_chung" }).Build());
        bad.AddSingleton(fixture.Db);
        bad.AddCoverage();
        using var badSp = bad.BuildServiceProvider();
        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => badSp.GetRequiredService<CoverageQueries>());
        Assert.Contains("Measure", e.Message);
    }

    [Fact]
    public async Task TheApiAndTheCoverageVerbServeTheSameTargetsAndVisitorsRows()
    {
        using var api = new ApiFactory(fixture);
        var client = api.As(ApiFactory.Leadership);
        var s = snapshots[^1];
        var json = await client.JsonAsync($"/api/coverage/units/{api.Province}/targets?snapshot={s.SnapshotId}");
        var expected = queries.Targets(api.Province, s.SnapshotId);
        var served = json.GetProperty("targets").EnumerateArray().ToList();
        Assert.Equal(expected.Targets.Count, served.Count);
        for (var i = 0; i < served.Count; i++)
        {
            Assert.Equal(expected.Targets[i].Plan, served[i].GetProperty("plan").GetString());
            Assert.Equal(expected.Targets[i].Gap, served[i].GetProperty("gap").ValueKind == JsonValueKind.Null ? null : served[i].GetProperty("gap").GetInt64());
            Assert.Equal(expected.Targets[i].Projection.Status, served[i].GetProperty("projection").GetProperty("status").GetString());
        }

        using var csv = await client.GetAsync($"/api/coverage/units/{api.Province}/targets?snapshot={s.SnapshotId}&format=csv");
        var apiCsv = Encoding.UTF8.GetString((await csv.Content.ReadAsByteArrayAsync())[3..]);
        Assert.StartsWith("snapshotId,asOf,code,name,measure,measureLabel,plan,targetPct,due,", apiCsv);
        Assert.Contains("Kiên Giang", apiCsv);

        var visitors = await client.JsonAsync($"/api/coverage/units/{api.Province}/visitors-completeness?snapshot={s.SnapshotId}");
        Assert.Equal(s.Province.GetProperty("visitors").GetInt64(), visitors.GetProperty("total").GetProperty("visitors").GetInt64());
        using var visitorsCsv = await client.GetAsync($"/api/coverage/units/{api.Province}/visitors-completeness?snapshot={s.SnapshotId}&format=csv");
        var apiVisitors = Encoding.UTF8.GetString((await visitorsCsv.Content.ReadAsByteArrayAsync())[3..]);

        // The verb writes the same columns and rows from its own copy of the warehouse.
        var cliDb = fixture.CopyDatabase();
        foreach (var (measure, apiText) in new[] { ("targets", apiCsv), ("visitors_complete", apiVisitors) })
        {
            var output = new StringWriter(CultureInfo.InvariantCulture);
            Assert.Equal(0, Commands.Run(["coverage", "--db", cliDb, "--parent", api.Province, "--snapshot", s.SnapshotId, "--measure", measure],
                output, new StringWriter()));
            Assert.Equal(apiText, output.ToString());
        }
        var error = new StringWriter();
        Assert.Equal(2, Commands.Run(["coverage", "--db", cliDb, "--parent", api.Province, "--measure", "tiem"], new StringWriter(), error));
        Assert.Contains("Tham số --measure", error.ToString());
    }
}
