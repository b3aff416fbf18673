using System.Globalization;
using System.Text.Json;
using Dapper;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;
using WebClient = HoSoSucKhoe.Tests.Web.WebClient;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit.Abstractions;

namespace HoSoSucKhoe.Tests.Models;

/// <summary>The risk model judged where it is used (issue 16 §4): metrics on the risk list's population (not screened in
/// 12 months) and on the rest, the top-decile yield, the list population's own model, the card and both pages.</summary>
[Collection("warehouse")]
public sealed class RiskPopulationTests(WarehouseFixture fixture, ITestOutputHelper output) : IDisposable
{
    static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");
    readonly ApiFactory api = Seeded(new ApiFactory(fixture));

    static ApiFactory Seeded(ApiFactory api)
    {
        WebClient.SeedUsers(api);
        return api;
    }

    public void Dispose() => api.Dispose();

    [Fact]
    public void TopDecileYieldEqualsAHandComputation()
    {
        // 20 rows: the top 10 % is 2 rows, scores 0.95 (event) and 0.90 (none): 1 event of 2.
        float[] score = [.. Enumerable.Range(1, 20).Select(i => i * 0.05f - 0.05f)];
        bool[] label = [.. Enumerable.Range(1, 20).Select(i => i is 20 or 18 or 3)];
        Assert.Equal((2, 1.0), RiskModel.TopDecileEvents(score, label));

        // 25 rows: ⌈2,5⌉ = 3 rows; the three highest are events 2 of 3.
        float[] s25 = [.. Enumerable.Range(0, 25).Select(i => (float)i)];
        bool[] l25 = [.. Enumerable.Range(0, 25).Select(i => i is 24 or 22 or 0)];
        Assert.Equal((3, 2.0), RiskModel.TopDecileEvents(s25, l25));

        // Ties at the cut count in proportion: 10 rows, 1 top row; three tie at the highest score, one of them an event.
        float[] tied = [0.9f, 0.9f, 0.9f, 0.5f, 0.4f, 0.3f, 0.2f, 0.1f, 0.1f, 0f];
        bool[] tiedLabel = [false, true, false, true, true, true, true, true, true, true];
        var (rows, events) = RiskModel.TopDecileEvents(tied, tiedLabel);
        Assert.Equal(1, rows);
        Assert.Equal(1.0 / 3, events, 12);

        // One row above the cut (event) and two tied at it for the remaining place of 2 (20 rows), neither an event.
        float[] mixed = [.. new[] { 1f, 0.8f, 0.8f }.Concat(Enumerable.Repeat(0.1f, 17))];
        bool[] mixedLabel = [.. new[] { true, false, false }.Concat(Enumerable.Repeat(true, 17))];
        Assert.Equal((2, 1.0), RiskModel.TopDecileEvents(mixed, mixedLabel));
        Assert.Equal((0, 0.0), RiskModel.TopDecileEvents([], []));
    }

    async Task<(ModelCard Card, JsonElement Json)> CardAsync()
    {
        var json = await api.As(ApiFactory.Epidemiologist).JsonAsync("/api/ncd/model");
        return (json.Deserialize<ModelCard>(Http.Json)!, json);
    }

    /// <summary>Rows and events of the card's test split by whether the person was screened, counted here from the
    /// warehouse in SQL written for this test (not the model's).</summary>
    Dictionary<bool, (long Rows, long Events)> IndependentCounts(ModelCard card)
    {
        using var c = fixture.Db.Open();
        var bp = (int)(EncounterDq.ImplausibleSystolic | EncounterDq.ImplausibleDiastolic);
        return c.Query<(bool NotScreened, long Rows, long Events)>($"""
            WITH t AS (
                SELECT NOT f.htn_screened AND NOT f.dm_screened AS not_screened,
                       l.htn_diagnosed OR l.dm_diagnosed
                       OR EXISTS (SELECT 1 FROM fact_encounter e WHERE e.snapshot_id = $lsid AND e.record_id = f.record_id
                                  AND e.visit_date > $fasof::DATE AND e.visit_date <= $lasof::DATE AND e.dq_flags & {bp} = 0
                                  AND e.systolic IS NOT NULL AND e.diastolic IS NOT NULL AND (e.systolic >= 140 OR e.diastolic >= 90))
                       OR EXISTS (SELECT 1 FROM fact_lab b WHERE b.snapshot_id = $lsid AND b.record_id = f.record_id AND b.dq_flags = 0
                                  AND b.value_num IS NOT NULL AND b.result_time::DATE > $fasof::DATE AND b.result_time::DATE <= $lasof::DATE
                                  AND ((b.test = 'GLU_FASTING' AND b.value_num >= 7.0) OR (b.test = 'HBA1C' AND b.value_num >= 6.5))) AS event
                FROM ncd_person f JOIN ncd_person l ON l.snapshot_id = $lsid AND l.record_id = f.record_id
                WHERE f.snapshot_id = $fsid AND NOT f.htn_diagnosed AND NOT f.dm_diagnosed)
            SELECT not_screened AS NotScreened, count(*) AS Rows, count(*) FILTER (WHERE event) AS Events FROM t GROUP BY ALL
            """, new
        {
            fsid = card.Test.FeaturesSnapshot, lsid = card.Test.LabelSnapshot,
            fasof = card.Test.FeaturesAsOf.ToDateTime(TimeOnly.MinValue), lasof = card.Test.LabelAsOf.ToDateTime(TimeOnly.MinValue),
        }).ToDictionary(r => r.NotScreened, r => (r.Rows, r.Events));
    }

    [Fact]
    public async Task PopulationMetricsAreComputedOnTheListsRowsAndOnTheRest()
    {
        var (card, _) = await CardAsync();
        Assert.True(card.OutOfTime);
        var pops = card.Populations!;
        Assert.Equal(["list", "rest"], pops.Select(p => p.Key));
        var counts = IndependentCounts(card);
        foreach (var p in pops)
        {
            var (rows, events) = counts[p.Key == "list"];
            output.WriteLine($"{p.Key}: {p.Rows} rows, {p.Positives?.ToString(CultureInfo.InvariantCulture) ?? "hidden"} events (independent {rows}, {events}); " +
                             string.Join("; ", p.Models.Select(m => $"{m.Key} AUC {m.Auc:0.000} Brier {m.Brier:0.0000} top-decile yield {m.TopDecile?.Yield:0.000}")));
            Assert.Equal(rows, p.Rows);
            Assert.Equal<int?>((int)events, p.Positives); // the fixture's populations both have far more than 4 events
            Assert.All(p.Models, m => Assert.Equal(p.Rows, m.Calibration.Sum(b => b.N)));
            Assert.All(p.Models, m => Assert.Equal((p.Rows + 9) / 10, m.TopDecile!.Rows));
            Assert.Equal(["general", "baseline"], p.Models.Take(2).Select(m => m.Key));
        }
        Assert.Equal(card.Test.Rows, pops.Sum(p => p.Rows));
        Assert.Equal(card.Test.Positives, pops.Sum(p => p.Positives));
        output.WriteLine(card.ListRanking!.Reason);

        // The list's population is the list's rule: every person on the commune's risk list is NotScreened, and the
        // features left out of the list model are empty or zero for every such test row.
        using var c = fixture.Db.Open();
        var snapshots = SnapshotCatalog.All(c);
        var testRows = RiskFeatures.Labelled(c, snapshots.Single(s => s.SnapshotId == card.Test.FeaturesSnapshot),
            snapshots.Single(s => s.SnapshotId == card.Test.LabelSnapshot));
        Assert.Equal(counts[true].Rows, testRows.Count(r => r.NotScreened));
        var props = RiskRow.EmptyWhenNotScreened.Select(n => typeof(RiskRow).GetProperty(n)!).ToList();
        Assert.All(testRows.Where(r => r.NotScreened), r => Assert.All(props, pr => Assert.True(pr.GetValue(r) is float v && (float.IsNaN(v) || v == 0), pr.Name)));
        Assert.Empty(RiskRow.EmptyWhenNotScreened.Intersect(card.ListRanking.ListFeatures ?? RiskRow.ListFeatureNames));

        var latest = RiskFeatures.Unlabelled(c, snapshots[^1]).ToDictionary(r => r.RecordId);
        var list = await api.As(ApiFactory.OfficerA).JsonAsync($"/api/ncd/linelists/risk?unit={api.CommuneA}");
        var ids = list.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("recordId").GetString()!).ToList();
        Assert.All(ids, id => Assert.True(latest[id].NotScreened, id));
    }

    [Fact]
    public async Task TheListModelRanksTheListOnlyWhenItsAucOnTheListsTestRowsIsHigher()
    {
        var (card, _) = await CardAsync();
        var list = card.Populations!.Single(p => p.Key == "list");
        var ranking = card.ListRanking!;
        var general = list.Models.Single(m => m.Key == "general").Auc;
        var own = list.Models.SingleOrDefault(m => m.Key == "list")?.Auc;
        output.WriteLine($"list population: general AUC {general:0.000}, own AUC {own:0.000} → {ranking.Model}");
        Assert.Equal(own > general ? "list" : "general", ranking.Model);
        Assert.Equal(RiskModel.ListRule, ranking.Rule);
        if (ranking.Model == "list")
        {
            Assert.Contains("mô hình riêng", ranking.Reason);
            Assert.Equal(RiskRow.ListFeatureNames, ranking.ListFeatures);
        }
    }

    [Fact]
    public async Task TheCardSerialisesBothPopulationsInJsonAndCsvWithSmallCountsHidden()
    {
        var (card, json) = await CardAsync();
        var pops = json.GetProperty("populations");
        Assert.Equal(2, pops.GetArrayLength());
        foreach (var p in pops.EnumerateArray())
        {
            Assert.False(string.IsNullOrEmpty(p.GetProperty("name").GetString()));
            Assert.All(p.GetProperty("models").EnumerateArray(), m => Assert.True(m.GetProperty("topDecile").TryGetProperty("yield", out _)));
        }
        Assert.False(string.IsNullOrEmpty(json.GetProperty("listRanking").GetProperty("reason").GetString()));
        // Stored and served cards round-trip with both populations.
        var again = JsonSerializer.Deserialize<ModelCard>(JsonSerializer.Serialize(card, Http.Json), Http.Json)!;
        Assert.Equal(JsonSerializer.Serialize(card.Populations, Http.Json), JsonSerializer.Serialize(again.Populations, Http.Json));

        // No figure shown rests on 1–4 events: population events, and each decile's observed share × rows.
        foreach (var p in card.Populations!)
        {
            Assert.False(HoSoSucKhoe.Models.Disclosure.Disclosure.IsSmall(p.Positives));
            foreach (var b in p.Models.SelectMany(m => m.Calibration).Where(b => b.Observed is not null))
                Assert.False(HoSoSucKhoe.Models.Disclosure.Disclosure.IsSmall((long)Math.Round(b.Observed!.Value * b.N)), $"{p.Key} decile {b.Decile}");
        }

        using var response = await api.As(ApiFactory.Epidemiologist).GetAsync("/api/ncd/model?format=csv");
        var lines = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("modelId,version,model,auc,brier,decile,n,meanPredicted,observed,population,populationRows,populationPositives,topDecileRows,topDecileYield,ranksList", lines[0]);
        var expected = card.Model.Calibration.Count + card.Baseline.Calibration.Count + card.Populations.Sum(p => p.Models.Sum(m => m.Calibration.Count));
        Assert.Equal(expected, lines.Length - 1);
        Assert.Contains(lines, l => l.Contains(",list,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",rest,", StringComparison.Ordinal));
    }

    static string Cell(string population, string model, string field, string text) =>
        $"<td class=\"num\" data-population=\"{population}\" data-model=\"{model}\" data-field=\"{field}\">{text}</td>";

    [Fact]
    public async Task TheNcdPageAndTheRiskListPageShowBothPopulations()
    {
        var (card, _) = await CardAsync();
        var client = WebClient.Browser(api);
        using (var signIn = await WebClient.SignInAsync(client, "dichte")) Assert.Equal(System.Net.HttpStatusCode.Redirect, signIn.StatusCode);
        var html = await client.GetStringAsync($"/tinh/{api.Province}/ncd");
        Assert.Contains("data-testid=\"model-populations\"", html);
        Assert.Contains("data-testid=\"model-list-ranking\"", html);
        foreach (var p in card.Populations!)
            foreach (var m in p.Models)
            {
                Assert.Contains(Cell(p.Key, m.Key!, "rows", p.Rows.ToString("N0", Vi)), html);
                Assert.Contains(Cell(p.Key, m.Key!, "auc", m.Auc!.Value.ToString("N3", Vi)), html);
                Assert.Contains(Cell(p.Key, m.Key!, "topDecileYield", (m.TopDecile!.Yield!.Value * 100).ToString("N2", Vi) + "%"), html);
            }

        var officer = WebClient.Browser(api);
        using (var signIn = await WebClient.SignInAsync(officer, "canboa")) Assert.Equal(System.Net.HttpStatusCode.Redirect, signIn.StatusCode);
        var listHtml = await officer.GetStringAsync($"/xa/{api.CommuneA}/danh-sach/risk");
        Assert.Contains("data-testid=\"linelist-model-populations\"", listHtml);
        var rankKey = RiskModel.ListModelKey(card);
        foreach (var p in card.Populations)
        {
            var used = p.Models.Single(m => m.Key == (p.Key == "list" ? rankKey : "general"));
            Assert.Contains($"<tr data-population=\"{p.Key}\">", listHtml);
            Assert.Contains($"<td class=\"num\" data-field=\"auc\">{used.Auc!.Value.ToString("N3", Vi)}</td>", listHtml);
        }
    }
}

/// <summary>The stored form of a trained risk model: the general model alone (as every model registered before list
/// models) or the general and the list population's model together.</summary>
public sealed class RiskModelStorageTests
{
    static List<RiskRow> Rows(int n, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(i =>
        {
            var age = 18 + random.Next(70);
            return new RiskRow
            {
                RecordId = i.ToString(CultureInfo.InvariantCulture), AgeBand = AgeStandard.Label(age / 5 * 5), Age = age, Male = i % 2,
                Bmi = 18 + random.Next(15), LastSystolic = float.NaN, LastDiastolic = float.NaN, LastFpg = float.NaN, LastHba1c = float.NaN,
                MaxSystolic3y = 100 + random.Next(80), MeanSystolic3y = float.NaN, MaxDiastolic3y = float.NaN, MaxFpg3y = float.NaN,
                MaxHba1c3y = float.NaN, NotScreened = i % 3 == 0, Label = random.NextDouble() < age / 120.0,
            };
        })];
    }

    [Fact]
    public void BothModelsRoundTripAndAModelAloneReadsAsGeneralOnly()
    {
        var ml = new MLContext(1);
        var rows = Rows(400, 7);
        var view = ml.Data.LoadFromEnumerable(rows);
        ITransformer Fit(string[] features) => ml.Transforms.Concatenate("Features", features)
            .Append(ml.BinaryClassification.Trainers.LightGbm(labelColumnName: nameof(RiskRow.Label), numberOfIterations: 10)).Fit(view);
        var general = Fit(RiskRow.FeatureNames);
        var list = Fit(RiskRow.ListFeatureNames);
        float[] Score(ITransformer t) => [.. t.Transform(view).GetColumn<float>("Probability")];

        var both = RiskModel.Read(RiskModel.Save(ml, new TrainedRisk(general, list), view.Schema));
        Assert.NotNull(both.List);
        Assert.Equal(Score(general), Score(both.General));
        Assert.Equal(Score(list), Score(both.List));

        var alone = RiskModel.Read(RiskModel.Save(ml, new TrainedRisk(general, null), view.Schema));
        Assert.Null(alone.List);
        Assert.Equal(Score(general), Score(alone.General));
    }
}
