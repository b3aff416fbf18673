using System.Text.Json;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;
using Xunit.Abstractions;

namespace HoSoSucKhoe.Tests.Models;

/// <summary>The NCD endpoints through the real server: suppression for roles without line-list rights, line lists with
/// names for the commune's own officer only, and an audit row for every line-list request.</summary>
[Collection("warehouse")]
public sealed class NcdApiTests(WarehouseFixture fixture, ITestOutputHelper output) : IDisposable
{
    readonly ApiFactory api = new(fixture);

    public void Dispose() => api.Dispose();

    static IEnumerable<int?> Counts(JsonElement rows, params string[] names) =>
        rows.EnumerateArray().SelectMany(r => names.Select(n => r.GetProperty(n).ValueKind == JsonValueKind.Null ? (int?)null : r.GetProperty(n).GetInt32()));

    [Fact]
    public async Task EpidemiologistSeesPrevalenceWithCountsUnderFiveSuppressedBesideTheStepsAnchors()
    {
        var body = await api.As(ApiFactory.Epidemiologist).JsonAsync("/api/ncd/prevalence?measure=htn_screened&ages=50-69&sex=female");
        var rows = body.GetProperty("rows");
        Assert.Equal("province", rows[0].GetProperty("level").GetString());
        Assert.DoesNotContain(Counts(rows, "cases", "denominator"), n => n is > 0 and < 5);
        var suppressed = rows.EnumerateArray().Where(r => r.GetProperty("suppressed").GetBoolean()).ToList();
        Assert.NotEmpty(suppressed);
        Assert.All(suppressed, r => Assert.Equal(JsonValueKind.Null, r.GetProperty("crude").ValueKind));
        Assert.Contains("nghiêng về những người có đến cơ sở y tế", body.GetProperty("note").GetString());
        var anchors = body.GetProperty("anchors").EnumerateArray().Select(a => a.GetProperty("surveyValue").GetDouble()).ToList();
        Assert.Equal([0.189, 0.283, 0.0696], anchors);
        output.WriteLine($"{rows.GetArrayLength() - 1} commune rows, {suppressed.Count} suppressed");
    }

    [Fact]
    public async Task CommuneOfficerSeesOnlyItsCommuneUnsuppressedAndTheCascadeNamesItsDenominators()
    {
        var body = await api.As(ApiFactory.OfficerA).JsonAsync("/api/ncd/cascade");
        var rows = body.GetProperty("rows");
        Assert.Equal(1, rows.GetArrayLength());
        Assert.Equal(api.CommuneA, rows[0].GetProperty("unitCode").GetString());
        var steps = rows[0].GetProperty("hypertension").EnumerateArray().ToList();
        Assert.All(steps, s => Assert.False(s.GetProperty("suppressed").GetBoolean()));
        Assert.Equal("người đã chẩn đoán", steps.Single(s => s.GetProperty("key").GetString() == "treated").GetProperty("denominatorName").GetString());

        using var other = await api.As(ApiFactory.OfficerA).GetAsync($"/api/ncd/cascade?unit={api.CommuneB}");
        await other.ProblemAsync(403);
    }

    [Fact]
    public async Task LineListsGiveNamesToTheCommunesOwnOfficerOnlyAndEveryRequestIsAudited()
    {
        var list = await api.As(ApiFactory.OfficerA).JsonAsync($"/api/ncd/linelists/followup?unit={api.CommuneA}");
        var rows = list.GetProperty("rows");
        Assert.True(list.GetProperty("identified").GetBoolean());
        if (rows.GetArrayLength() > 0) Assert.False(string.IsNullOrEmpty(rows[0].GetProperty("fullName").GetString()));

        var priority = await api.As(ApiFactory.OfficerA).JsonAsync($"/api/ncd/linelists/priority?unit={api.CommuneA}&limit=20");
        Assert.True(priority.GetProperty("rows").GetArrayLength() <= 20);

        foreach (var key in new[] { ApiFactory.Epidemiologist, ApiFactory.Leadership, ApiFactory.OfficerB, ApiFactory.Admin })
        {
            using var denied = await api.As(key).GetAsync($"/api/ncd/linelists/followup?unit={api.CommuneA}");
            Assert.Contains("chỉ dành cho cán bộ của chính xã đó", (await denied.ProblemAsync(403)).Detail);
        }
        // A bad limit is judged after the caller: refused (400, audited) for the own officer, denied for anyone else.
        using (var badLimit = await api.As(ApiFactory.OfficerA).GetAsync($"/api/ncd/linelists/followup?unit={api.CommuneA}&limit=0"))
            Assert.Contains("Tham số 'limit'", (await badLimit.ProblemAsync(400)).Detail);
        using (var badLimitElsewhere = await api.As(ApiFactory.OfficerB).GetAsync($"/api/ncd/linelists/followup?unit={api.CommuneA}&limit=abc"))
            await badLimitElsewhere.ProblemAsync(403);

        var audit = await api.As(ApiFactory.Admin).JsonAsync("/api/ncd/audit");
        var entries = audit.EnumerateArray().Where(a => a.GetProperty("unitCode").GetString() == api.CommuneA).ToList();
        Assert.Equal(2, entries.Count(a => a.GetProperty("outcome").GetString() == "granted" && a.GetProperty("userName").GetString() == "Cán bộ xã A"));
        Assert.Contains(entries, a => a.GetProperty("listKind").GetString() == "followup" && a.GetProperty("rows").GetInt32() == rows.GetArrayLength());
        Assert.Equal(5, entries.Count(a => a.GetProperty("outcome").GetString() == "denied"));
        Assert.Single(entries, a => a.GetProperty("outcome").GetString() == "refused" && a.GetProperty("rows").GetInt32() == 0);
        // Times carry Vietnam's offset, and the instant is the request's (not the server's wall clock read as another zone).
        Assert.All(entries, a =>
        {
            var at = a.GetProperty("at").GetString()!;
            Assert.EndsWith("+07:00", at);
            Assert.InRange(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow);
        });

        using var notAdmin = await api.As(ApiFactory.Epidemiologist).GetAsync("/api/ncd/audit");
        await notAdmin.ProblemAsync(403);
    }

    [Fact]
    public async Task ModelCardAndRiskListAreServed()
    {
        var card = await api.As(ApiFactory.Epidemiologist).JsonAsync("/api/ncd/model");
        var auc = card.GetProperty("model").GetProperty("auc").GetDouble();
        var baseline = card.GetProperty("baseline").GetProperty("auc").GetDouble();
        output.WriteLine($"model card {card.GetProperty("modelId").GetString()}: AUC {auc:0.000} vs {baseline:0.000}");
        Assert.True(card.GetProperty("outOfTime").GetBoolean());
        Assert.True(auc > baseline);
        Assert.StartsWith($"LightGBM (ML.NET {ModelCardTests.PinnedVersion("Microsoft.ML")}), ", card.GetProperty("trainer").GetString());

        var risk = await api.As(ApiFactory.OfficerA).JsonAsync($"/api/ncd/linelists/risk?unit={api.CommuneA}");
        Assert.Equal(card.GetProperty("modelId").GetString(), risk.GetProperty("modelId").GetString());
        var scores = risk.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("riskScore").GetDouble()).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
        // The product writes 0,46, never 0.46, whatever culture the server runs under.
        var vi = System.Globalization.CultureInfo.GetCultureInfo("vi-VN");
        Assert.All(risk.GetProperty("rows").EnumerateArray(), r => Assert.StartsWith(
            string.Create(vi, $"Điểm nguy cơ {r.GetProperty("riskScore").GetDouble():0.00}, "), r.GetProperty("reason").GetString()));
        Assert.Contains("20%", risk.GetProperty("criteria").GetString());
    }

    [Fact]
    public async Task ClustersComorbidityAndSeriesAnswerWithVietnameseDescriptions()
    {
        var epi = api.As(ApiFactory.Epidemiologist);
        var clusters = await epi.JsonAsync("/api/ncd/clusters?k=3");
        foreach (var c in clusters.GetProperty("clusters").EnumerateArray())
        {
            Assert.StartsWith("Nhóm ", c.GetProperty("description").GetString());
            output.WriteLine(c.GetProperty("description").GetString());
        }
        var comorbidity = await epi.JsonAsync("/api/ncd/comorbidity");
        Assert.Equal(8, comorbidity.GetProperty("rows").GetArrayLength());
        Assert.Contains("BMI ≥ 25", comorbidity.GetProperty("obesityDefinition").GetString());
        var series = await epi.JsonAsync("/api/ncd/prevalence/series?measure=dm_screened");
        Assert.Equal(fixture.SnapshotFolders.Count, series.GetProperty("rows").GetArrayLength());

        using var bad = await epi.GetAsync("/api/ncd/prevalence?measure=nope");
        Assert.Contains("measure", (await bad.ProblemAsync(400)).Detail);
    }

    [Fact]
    public async Task PrevalenceExportsAsCsvWithTheSameEstimatesAndSuppressionAsJson()
    {
        var epi = api.As(ApiFactory.Epidemiologist);
        var json = await epi.JsonAsync("/api/ncd/prevalence?measure=htn_screened&ages=50-69&sex=female");
        var rows = json.GetProperty("rows").EnumerateArray().ToList();
        using var response = await epi.GetAsync("/api/ncd/prevalence?measure=htn_screened&ages=50-69&sex=female&format=csv");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Trim().Split(',').ToList();
        Assert.Contains("standardisedLo", header);
        Assert.Equal(rows.Count, lines.Length - 1);
        var suppressed = header.IndexOf("suppressed");
        Assert.Equal(rows.Count(r => r.GetProperty("suppressed").GetBoolean()),
            lines.Skip(1).Count(l => l.Trim().Split(',')[suppressed] == "true"));
    }

    [Fact]
    public async Task CascadeExportsAsCsvOneRowPerStepWithTheJsonCounts()
    {
        var epi = api.As(ApiFactory.Epidemiologist);
        var json = await epi.JsonAsync("/api/ncd/cascade");
        var views = json.GetProperty("rows").EnumerateArray().ToList();
        using var response = await epi.GetAsync("/api/ncd/cascade?format=csv");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.TrimEnd('\r')).ToList();
        var header = lines[0].Split(',').ToList();
        var steps = views.Sum(v => v.GetProperty("hypertension").GetArrayLength() + v.GetProperty("diabetes").GetArrayLength()
            + v.GetProperty("programme").GetArrayLength());
        Assert.Equal(steps, lines.Count - 1);
        var province = views.Single(v => v.GetProperty("level").GetString() == "province");
        var diagnosed = province.GetProperty("hypertension").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "diagnosed");
        var row = lines.Skip(1).Select(l => l.Split(',')).Single(c =>
            c[header.IndexOf("level")] == "province" && c[header.IndexOf("cascade")] == "hypertension" && c[header.IndexOf("step")] == "diagnosed");
        Assert.Equal(diagnosed.GetProperty("count").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), row[header.IndexOf("count")]);
    }
}
