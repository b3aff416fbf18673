using System.Text.Json;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;
using Microsoft.Playwright;
using static HoSoSucKhoe.Tests.Web.BrowserSession;

namespace HoSoSucKhoe.Tests.Web;

/// <summary>
/// The hypertension-and-diabetes and data-quality pages in Debian's Chromium against the app on Kestrel at 127.0.0.1
/// (as <see cref="BrowserTests"/>): the epidemiologist's prevalence, cascade, cluster and per-commune data-quality
/// figures equal the API's JSON for the same snapshot; a commune officer is refused the province's NCD page.
/// Screenshots go to the test output folder (screenshots/).
/// </summary>
[Collection("warehouse")]
public sealed class NcdPagesBrowserTests(WarehouseFixture fixture) : IAsyncLifetime
{
    readonly ApiFactory api = new(fixture);
    BrowserSession? session;

    public async Task InitializeAsync()
    {
        session = await BrowserSession.StartAsync(api);
    }

    public async Task DisposeAsync()
    {
        if (session is not null) await session.DisposeAsync();
        api.Dispose();
    }

    Task<IPage> SignedIn(string user, string password = WebClient.Password) => session!.SignedIn(user, password);

    /// <summary>"key|field|…" of each row of a table, from the DOM's text (rows inside a closed &lt;details&gt; included).</summary>
    static Task<string[]> Rows(IPage page, string testId, string key, params string[] fields) =>
        page.Locator($"[data-testid={testId}] tbody tr").EvaluateAllAsync<string[]>(
            "(rows, [key, fields]) => rows.map(r => [r.dataset[key], ...fields.map(f => r.querySelector(`[data-field=${f}]`).textContent)].join('|'))",
            new object[] { key, fields });

    [Fact]
    public async Task EpidemiologistSeesTheApisNcdAndDataQualityFiguresAndAnOfficerIsRefused()
    {
        var key = api.As(ApiFactory.Epidemiologist);
        var p = api.Province;
        var model = await key.GetAsync("/api/ncd/model"); // waits for the start-up training, as the page does
        var page = await SignedIn("dichte");
        await ClickAndLoad(page, "nav.main >> text=Tăng huyết áp & đái tháo đường");
        Assert.EndsWith($"/tinh/{p}/ncd", page.Url);
        await Shot(page, "ncd-epidemiologist");
        var cascade = await key.JsonAsync($"/api/ncd/cascade?unit={p}");
        var province = cascade.GetProperty("rows")[0];
        var snapshot = province.GetProperty("snapshotId").GetString()!;
        Assert.Contains(snapshot, await page.InnerTextAsync("[data-testid=snapshot]"));
        Assert.Contains("nghiêng về những người có đến cơ sở y tế", await page.InnerTextAsync("[data-testid=visit-bias]"));

        // Cascades, with their denominators.
        foreach (var name in new[] { "hypertension", "diabetes", "programme" })
        {
            var expected = province.GetProperty(name).EnumerateArray().Select(s =>
            {
                var hidden = s.GetProperty("suppressed").GetBoolean();
                return string.Join("|", s.GetProperty("key").GetString(), Figures.N(s.GetProperty("count"), hidden),
                    Figures.N(s.GetProperty("denominator")), Figures.Share(s.GetProperty("share")));
            });
            Assert.Equal(expected, await Rows(page, $"cascade][data-cascade={name}", "step", "count", "denominator", "share"));
        }

        // Prevalence by sex and age group (all adults, STEPS groups, five-year bands) with CIs; the STEPS anchors.
        var byGroup = new List<string>();
        var byBand = new List<string>();
        foreach (var ages in new[] { "18+", "18-29", "30-49", "50-69", "70+", "40-44" })
        foreach (var sex in new[] { "all", "male", "female" })
        {
            var json = await key.JsonAsync($"/api/ncd/prevalence?snapshot={snapshot}&unit={p}&sex={sex}&ages={Uri.EscapeDataString(ages)}");
            (ages == "40-44" ? byBand : byGroup).Add(Figures.ProvinceRow(json.GetProperty("rows")[0]));
        }
        string[] fields = ["cases", "denominator", "crude", "crudeCi", "standardised", "standardisedCi"];
        var shown = await page.Locator("[data-testid=prevalence] tbody tr").EvaluateAllAsync<string[]>(
            "(rows, fields) => rows.map(r => [r.dataset.sex, r.dataset.ages, ...fields.map(f => r.querySelector(`[data-field=${f}]`).textContent)].join('|'))", fields);
        Assert.Equal(byGroup.Order(), shown.Order());
        var bands = await page.Locator("[data-testid=prevalence-bands] tbody tr[data-ages='40-44']").EvaluateAllAsync<string[]>(
            "(rows, fields) => rows.map(r => [r.dataset.sex, r.dataset.ages, ...fields.map(f => r.querySelector(`[data-field=${f}]`).textContent)].join('|'))", fields[..4]);
        Assert.Equal(byBand.Select(b => string.Join("|", b.Split('|')[..6])).Order(), bands.Order());
        var anchors = await key.JsonAsync($"/api/ncd/anchors?snapshot={snapshot}");
        Assert.Equal(anchors.GetProperty("anchors").EnumerateArray().Select(a => $"{a.GetProperty("ages").GetString()}|{Figures.Share(a.GetProperty("surveyValue"))}|{Figures.Share(a.GetProperty("recordStandardised"))}"),
            await Rows(page, "anchors", "ages", "survey", "standardised"));
        Assert.Equal(1, await page.Locator("[data-chart=prevalence] svg").CountAsync());

        // Communes: raw and smoothed beside the smoothed map.
        var communes = await key.JsonAsync($"/api/ncd/prevalence?snapshot={snapshot}");
        Assert.Equal(communes.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("level").GetString() == "commune").Select(Figures.CommuneRow),
            await Rows(page, "prevalence-communes", "code", Figures.CommuneFields));
        Assert.Equal(1, await page.Locator("[data-chart=map-smoothed] svg").CountAsync());

        // Clusters with their descriptions, and each commune's cluster.
        var clusters = await key.JsonAsync($"/api/ncd/clusters?snapshot={snapshot}");
        Assert.Equal(clusters.GetProperty("clusters").EnumerateArray().Select(c =>
                $"{c.GetProperty("cluster").GetInt32()}|{Figures.N(c.GetProperty("communes"))}|{Figures.N(c.GetProperty("publishedCommunes"))}|{c.GetProperty("description").GetString()}"),
            await Rows(page, "clusters", "cluster", "communes", "published", "description"));
        Assert.Equal(clusters.GetProperty("communes").EnumerateArray().Select(c => $"{c.GetProperty("unitCode").GetString()}|{Figures.N(c.GetProperty("cluster"))}"),
            await Rows(page, "cluster-communes", "code", "cluster"));

        // The model's card, or the note that there is none.
        if (model.IsSuccessStatusCode)
        {
            var card = JsonDocument.Parse(await model.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(Figures.Num(card.GetProperty("model").GetProperty("auc")), await page.InnerTextAsync("[data-testid=model-card] [data-field=auc]"));
        }
        else Assert.Equal(1, await page.Locator("[data-testid=model-none]").CountAsync());

        // The picker: diabetes among the screened; the downloads link to the API's CSV of the same choice.
        await page.SelectOptionAsync("select[name=measure]", "dm_screened");
        await ClickAndLoad(page, "[data-testid=measure-picker] button");
        await page.EvaluateAsync("document.querySelectorAll('details').forEach(d => d.open = true)");
        await Shot(page, "ncd-dm-screened-tables-open");
        var dm = await key.JsonAsync($"/api/ncd/prevalence?snapshot={snapshot}&measure=dm_screened");
        Assert.Equal(dm.GetProperty("name").GetString(), await page.InnerTextAsync("[data-testid=measure-name]"));
        Assert.Equal(dm.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("level").GetString() == "commune").Select(Figures.CommuneRow),
            await Rows(page, "prevalence-communes", "code", Figures.CommuneFields));
        var csv = await page.Locator("[data-testid=downloads] a[href*='/api/ncd/prevalence']").GetAttributeAsync("href");
        await using (var download = await page.Context.APIRequest.GetAsync(csv!))
        {
            Assert.Equal(200, download.Status);
            Assert.StartsWith("text/csv", download.Headers["content-type"]);
        }

        // Data quality: every commune's checks and the counts behind them, worst first.
        await ClickAndLoad(page, "nav.main >> text=Chất lượng dữ liệu");
        await Shot(page, "data-quality-epidemiologist");
        var rows = await page.Locator("[data-testid=dq-communes] tbody tr").EvaluateAllAsync<string[]>(
            "rows => rows.map(r => [r.dataset.code, r.querySelector('[data-field=recordsAll]').textContent, r.querySelector('[data-field=coveragePct]').textContent, ...[...r.querySelectorAll('td[data-check]')].map(c => c.dataset.check + '=' + c.querySelector('[data-field=count]').textContent + '/' + (c.querySelector('[data-field=share]')?.textContent ?? '—'))].join('|'))");
        var expectedRows = new List<(string Row, decimal? Worst, long WorstCount, string Code)>();
        foreach (var code in rows.Select(r => r.Split('|')[0]))
        {
            var dq = await key.JsonAsync($"/api/coverage/units/{code}/data-quality?snapshot={snapshot}");
            var checks = dq.GetProperty("checks").EnumerateArray().ToList();
            var worst = checks.Where(c => c.GetProperty("sharePct").ValueKind != JsonValueKind.Null)
                .OrderByDescending(c => c.GetProperty("sharePct").GetDecimal()).ThenByDescending(c => c.GetProperty("count").GetInt64()).FirstOrDefault();
            expectedRows.Add((string.Join("|", [code, Figures.N(dq.GetProperty("recordsAll")), Figures.Pct(dq.GetProperty("coverage").GetProperty("coveragePct")),
                .. checks.Select(c => $"{c.GetProperty("check").GetString()}={Figures.N(c.GetProperty("count"))}/{Figures.Pct(c.GetProperty("sharePct"))}")]),
                worst.ValueKind == JsonValueKind.Undefined ? null : worst.GetProperty("sharePct").GetDecimal(),
                worst.ValueKind == JsonValueKind.Undefined ? 0 : worst.GetProperty("count").GetInt64(), code));
        }
        Assert.Equal(expectedRows.Select(r => r.Row), rows);
        Assert.Equal(expectedRows.OrderByDescending(r => r.Worst).ThenByDescending(r => r.WorstCount).ThenBy(r => r.Code, StringComparer.Ordinal).Select(r => r.Code),
            expectedRows.Select(r => r.Code));
        var table = await key.JsonAsync($"/api/coverage/communes?parent={p}&snapshot={snapshot}");
        Assert.Equal(table.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("code").GetString()).Order(StringComparer.Ordinal),
            rows.Select(r => r.Split('|')[0]).Order(StringComparer.Ordinal));

        // A commune officer is refused the province's NCD page, as the API refuses it the province's figures.
        var officer = await SignedIn("canboa");
        var refused = await officer.GotoAsync($"/tinh/{p}/ncd");
        Assert.Equal(403, refused!.Status);
        Assert.Contains("Không có quyền truy cập", await officer.InnerTextAsync("h1"));
        await Shot(officer, "ncd-refused-officer");
    }
}
