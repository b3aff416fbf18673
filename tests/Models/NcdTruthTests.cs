using System.Text.Json;
using HoSoSucKhoe.Bench;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Snapshots;
using Xunit.Abstractions;

namespace HoSoSucKhoe.Tests.Models;

/// <summary>NCD figures of the generated province against its truth.json.</summary>
[Collection("warehouse")]
public sealed class NcdTruthTests(WarehouseFixture fixture, ITestOutputHelper output)
{
    /// <summary>Communes with at least this many screened adults are "large".</summary>
    const int Large = 50;

    static readonly string[] Steps = ["screened", "raised", "hypertensive", "diagnosed", "treated", "controlled"];

    IEnumerable<(JsonElement Truth, NcdData Data)> Snapshots()
    {
        foreach (var t in fixture.Truth.GetProperty("snapshots").EnumerateArray())
        {
            using var c = fixture.Db.Open();
            var s = SnapshotCatalog.All(c).First(x => x.SnapshotId == t.GetProperty("snapshot_id").GetString());
            yield return (t, NcdData.Load(fixture.Db, s));
        }
    }

    static int[] Counts(CascadeCounts c) => [c.Screened, c.Raised, c.Affected, c.Diagnosed, c.Treated, c.Controlled];

    static int[] Counts(JsonElement ncd, string disease) => Steps.Select(s => ncd.GetProperty(disease).GetProperty(s).GetInt32()).ToArray();

    [Fact]
    public void CascadeCountsEqualTruthForEverySnapshotCommuneAndTheProvince()
    {
        var checkedUnits = 0;
        foreach (var (truth, data) in Snapshots())
        {
            var ncd = truth.GetProperty("ncd");
            var byWard = data.Cells.GroupBy(c => c.WardCode).ToDictionary(g => g.Key, g => g.ToList());
            void Check(string unit, JsonElement t, IReadOnlyList<Cell> cells)
            {
                var where = $"{data.Snapshot.SnapshotId} {unit}";
                Assert.True(t.GetProperty("adults").GetInt32() == Cascades.Htn(cells).Adults, $"{where} adults");
                Assert.True(Counts(t, "htn").SequenceEqual(Counts(Cascades.Htn(cells))),
                    $"{where} htn truth [{string.Join(',', Counts(t, "htn"))}] warehouse [{string.Join(',', Counts(Cascades.Htn(cells)))}]");
                Assert.True(Counts(t, "dm").SequenceEqual(Counts(Cascades.Dm(cells))),
                    $"{where} dm truth [{string.Join(',', Counts(t, "dm"))}] warehouse [{string.Join(',', Counts(Cascades.Dm(cells)))}]");
                checkedUnits++;
            }
            Check("province", ncd.GetProperty("province"), data.Cells);
            foreach (var commune in ncd.GetProperty("communes").EnumerateObject())
                Check(commune.Name, commune.Value, byWard.GetValueOrDefault(commune.Name) ?? []);
            Assert.Empty(byWard.Keys.Except(ncd.GetProperty("communes").EnumerateObject().Select(p => p.Name)));
            var p = ncd.GetProperty("province");
            output.WriteLine($"{data.Snapshot.SnapshotId}: adults {p.GetProperty("adults")}, htn [{string.Join(',', Counts(p, "htn"))}], dm [{string.Join(',', Counts(p, "dm"))}]");
        }
        Assert.True(checkedUnits > 10);
    }

    /// <summary>
    /// The true age-standardised prevalence among screened adults: per band, the latent cases among the screened of the
    /// truth (or, <paramref name="expected"/>, the screened count times the generator's band/sex probability) over the
    /// screened; standardised with the same WHO weights over the bands with screened adults.
    /// </summary>
    static double? TrueAsr(JsonElement ncd, string disease, string sex, bool expected)
    {
        var sexes = sex switch { "male" => new[] { "1" }, "female" => ["2"], _ => ["1", "2"] };
        double total = 0, y = 0;
        foreach (var band in ncd.GetProperty("bands").EnumerateObject())
        {
            var lo = band.Name == "80+" ? 80 : int.Parse(band.Name.Split('-')[0]);
            double n = 0, x = 0;
            foreach (var s in sexes)
            {
                var b = band.Value.GetProperty(s);
                var ns = b.GetProperty($"{disease}_screened_n").GetDouble();
                n += ns;
                x += expected ? ns * b.GetProperty($"{disease}_p").GetDouble() : b.GetProperty($"{disease}_latent_screened").GetDouble();
            }
            if (n == 0) continue;
            var w = AgeStandard.Weight(lo);
            total += w;
            y += w * x / n;
        }
        return total == 0 ? null : y / total;
    }

    [Theory]
    [InlineData("htn")]
    [InlineData("dm")]
    public void TrueStandardisedPrevalenceAmongScreenedLiesInsideTheReportedInterval(string disease)
    {
        var measure = Measure.Find(disease + "_screened")!;
        var (truth, data) = Snapshots().Last();
        var ncd = truth.GetProperty("ncd");
        foreach (var sex in Burden.Sexes)
        {
            var rows = data.Prevalence(measure, sex, AgeStandard.Group("18+"));
            var province = rows[0];
            var realised = TrueAsr(ncd.GetProperty("province"), disease, sex, expected: false)!.Value;
            var expectedAsr = TrueAsr(ncd.GetProperty("province"), disease, sex, expected: true)!.Value;
            output.WriteLine($"{disease} {sex} province: ASR {province.Standardised:P2} [{province.StandardisedLo:P2}, {province.StandardisedHi:P2}] " +
                             $"(n {province.Denominator}); truth among screened {realised:P2}; generator probability × screened {expectedAsr:P2}");
            Assert.InRange(realised, province.StandardisedLo!.Value, province.StandardisedHi!.Value);

            var large = rows.Skip(1).Where(r => r.Denominator >= Large).ToList();
            var inside = large.Count(r => TrueAsr(ncd.GetProperty("communes").GetProperty(r.UnitCode), disease, sex, false) is { } t
                                          && t >= r.StandardisedLo && t <= r.StandardisedHi);
            var insideExpected = large.Count(r => TrueAsr(ncd.GetProperty("communes").GetProperty(r.UnitCode), disease, sex, true) is { } t
                                                  && t >= r.StandardisedLo && t <= r.StandardisedHi);
            output.WriteLine($"  large communes (≥ {Large} screened): {large.Count}; truth inside CI {inside}; generator probability inside CI {insideExpected}");
            if (large.Count > 0) Assert.True(inside >= 0.8 * large.Count, $"{disease} {sex}: {inside} of {large.Count} large communes cover the truth");
        }
    }

    [Fact]
    public void SmallCommunesAreShrunkTowardTheProvinceMoreThanLargeOnes()
    {
        var (_, data) = Snapshots().Last();
        // The estimator itself, variance over every commune (the served estimates use only the publishable ones).
        var rows = Burden.Estimate(data.Snapshot, data.Cells, Measure.Find("htn_screened")!, "all", AgeStandard.Group("18+"), data.ProvinceName,
                data.CommuneNames).Skip(1)
            .Where(r => r.Denominator > 0 && r.Shrinkage is not null).OrderBy(r => r.Denominator).ToList();
        Assert.True(rows.Count >= 4);
        var small = rows.Take(rows.Count / 2).Average(r => r.Shrinkage!.Value);
        var large = rows.Skip(rows.Count / 2).Average(r => r.Shrinkage!.Value);
        output.WriteLine($"mean shrinkage: smaller half {small:0.000}, larger half {large:0.000}");
        Assert.True(small >= large);
        Assert.All(rows, r => Assert.InRange(r.Smoothed!.Value, 0, 1));
    }

    [Fact]
    public void RiskModelBeatsTheAgeSexBaselineOnTheOutOfTimeSplitAndScoresTheLatestSnapshot()
    {
        using var db = new WarehouseDb(fixture.CopyDatabase());
        var card = new RiskModels(db).Train()!;
        output.WriteLine($"train {card.Train.FeaturesSnapshot}→{card.Train.LabelSnapshot} ({card.Train.HorizonDays} d): {card.Train.Rows} rows, {card.Train.Positives} events; " +
                         $"test {card.Test.FeaturesSnapshot}→{card.Test.LabelSnapshot} ({card.Test.HorizonDays} d): {card.Test.Rows} rows, {card.Test.Positives} events");
        output.WriteLine(string.Join(", ", card.StageSeconds.Select(kv => $"{kv.Key} {kv.Value:0.00} s")));
        output.WriteLine($"AUC LightGBM {card.Model.Auc:0.000} vs age/sex baseline {card.Baseline.Auc:0.000}; Brier {card.Model.Brier:0.0000} vs {card.Baseline.Brier:0.0000}; {card.TrainSeconds:0.0} s");
        foreach (var (m, b) in card.Model.Calibration.Zip(card.Baseline.Calibration))
            output.WriteLine($"  decile {m.Decile}: model {m.MeanPredicted:0.000}/{m.Observed:0.000}   baseline {b.MeanPredicted:0.000}/{b.Observed:0.000}");
        Assert.True(card.OutOfTime);
        Assert.True(string.CompareOrdinal(card.Train.LabelSnapshot, card.Test.LabelSnapshot) != 0);
        Assert.True(card.Train.FeaturesAsOf < card.Test.FeaturesAsOf && card.Train.LabelAsOf <= card.Test.FeaturesAsOf);
        Assert.True(card.Model.Auc > card.Baseline.Auc, $"model AUC {card.Model.Auc} not above baseline {card.Baseline.Auc}");
        Assert.Equal(10, card.Model.Calibration.Count);

        using var c = db.Open();
        var latest = SnapshotCatalog.All(c).LastOrDefault()!;
        Assert.Equal(card.ModelId, new RiskModels(db).Refresh()!.ModelId);
        Assert.True(Dapper.SqlMapper.ExecuteScalar<long>(c, "SELECT count(*) FROM ncd_risk_score WHERE snapshot_id = $s", new { s = latest.SnapshotId }) > 0);
    }

    [Fact]
    public void BenchmarkEntryReturnsPositiveTimes()
    {
        using var db = new WarehouseDb(fixture.CopyDatabase());
        var t = NcdBenchmark.Run(db);
        output.WriteLine($"estimates {t.EstimatesSeconds:0.00} s (case definitions {t.CaseDefinitionsSeconds:0.00} s), model {t.ModelSeconds:0.00} s, {t.Snapshots} snapshots, {t.Adults} adults in the latest");
        Assert.True(t.EstimatesSeconds > 0 && t.ModelSeconds > 0);
    }
}
