using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Demo;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace HoSoSucKhoe.Bench;

/// <summary>
/// The dashboards (issue 11 §3) on the demo province, the real server on Kestrel at 127.0.0.1, signed in through the
/// sign-in form like a browser: each page's server time (request sent → body read) with the output cache off
/// (<c>Cache:Enabled=false</c>: every request renders the page, its queries and its SVG) and on (a repeat view), and
/// the bytes each page transfers (raw and, with <c>Accept-Encoding: br, gzip</c>, compressed).
/// Targets: p50 &lt; 150 ms uncached, &lt; 20 ms cached, the overview with its map &lt; 500 KB transferred.
/// </summary>
static partial class PageBench
{
    const string User = "bench-lanhdao", Officer = "bench-canbo", Password = "mat-khau-bench-0001";

    public static async Task RunAsync(string folder, bool partsOnly = false, int uncachedRuns = 15, int cachedRuns = 200)
    {
        var demo = new DemoWarehouse(folder);
        demo.EnsureCreated(Console.Out);
        string province, commune;
        {
            await using var probe = await StartAsync(demo, cache: true);
            var latest = probe.App.Services.GetRequiredService<SnapshotCatalog>().VisibleTo(null).Last();
            province = latest.ProvinceCode;
            commune = probe.App.Services.GetRequiredService<CoverageQueries>().Children(new CoverageRequest(province))
                .Rows.First(r => !r.NoDenominator).Code;
            var users = probe.App.Services.GetRequiredService<UserStore>();
            if (users.Find(User) is null) users.Add(User, "Lãnh đạo (đo hiệu năng)", Roles.Leadership, province, Password);
            if (users.Find(Officer) is null) users.Add(Officer, "Cán bộ xã (đo hiệu năng)", Roles.CommuneOfficer, commune, Password);
        }
        var pages = new (string Name, string User, string Path)[]
        {
            ("overview (map, coverage chart, trend)", User, $"/tinh/{province}"),
            ("communes table", User, $"/tinh/{province}/xa"),
            ("commune page (leadership)", User, $"/xa/{commune}"),
            ("commune page (its officer)", Officer, $"/xa/{commune}"),
            ("hypertension & diabetes", User, $"/tinh/{province}/ncd"),
            ("data quality", User, $"/tinh/{province}/chat-luong"),
        };
        Console.WriteLine($"  demo province {province}, commune {commune}; {Environment.ProcessorCount} cores, load {Load()}");
        await PartsAsync(demo, province, commune);
        if (partsOnly) return;
        foreach (var cache in new[] { false, true })
        {
            await using var server = await StartAsync(demo, cache);
            var clients = new Dictionary<string, HttpClient>
            {
                [User] = await SignedInAsync(server.Address, User, compressed: false),
                [Officer] = await SignedInAsync(server.Address, Officer, compressed: false),
            };
            Console.WriteLine(cache ? "  output cache on (repeat views):" : "  output cache off (every view rendered):");
            foreach (var (name, user, path) in pages)
            {
                var client = clients[user];
                for (var i = 0; i < 3; i++) await GetAsync(client, path); // JIT, connection, first cache fill / NCD data
                var runs = cache ? cachedRuns : uncachedRuns;
                var times = new double[runs];
                long bytes = 0;
                for (var i = 0; i < runs; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    bytes = await GetAsync(client, path);
                    times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
                Array.Sort(times);
                Console.WriteLine(FormattableString.Invariant(
                    $"    {name,-40} p50 {times[runs / 2],7:0.0} ms  p90 {times[(int)(runs * 0.9)],7:0.0} ms  max {times[^1],7:0.0} ms  {bytes / 1024.0,6:0} KiB"));
            }
            if (!cache)
            {
                using var compressed = await SignedInAsync(server.Address, User, compressed: true);
                foreach (var (name, user, path) in pages.Where(p => p.User == User))
                {
                    using var response = await compressed.GetAsync(path);
                    var body = await response.Content.ReadAsByteArrayAsync();
                    var encoding = string.Join(",", response.Content.Headers.ContentEncoding);
                    Console.WriteLine($"    transferred, {name}: {body.Length / 1024.0:0} KiB ({(encoding.Length > 0 ? encoding : "no compression")})");
                }
            }
            foreach (var c in clients.Values) c.Dispose();
        }
    }

    /// <summary>Where an uncached overview's time goes: each query and drawing of the page, on its own, in the server's
    /// services (sequential, 15 runs after 3 warm-ups, p50).</summary>
    static async Task PartsAsync(DemoWarehouse demo, string province, string commune)
    {
        await using var server = await StartAsync(demo, cache: false);
        var sp = server.App.Services;
        var q = sp.GetRequiredService<CoverageQueries>();
        var ncd = sp.GetRequiredService<NcdDataStore>();
        var charts = sp.GetRequiredService<HoSoSucKhoe.Api.Features.Web.PageCharts>();
        var latest = sp.GetRequiredService<SnapshotCatalog>().VisibleTo(null).Last();
        var table = q.Children(new CoverageRequest(province) { SnapshotId = latest.SnapshotId, Sort = "coverage_pct" });
        var series = q.Series(province, null, latest.AsOf);
        var input = new HoSoSucKhoe.Reports.Charts.CoverageChartInput(table);
        var parts = new (string Name, Action Run)[]
        {
            ("children table", () => q.Children(new CoverageRequest(province) { SnapshotId = latest.SnapshotId, Sort = "coverage_pct" })),
            ("series (province)", () => q.Series(province, null, latest.AsOf)),
            ("targets, series given", () => q.Targets(province, latest.SnapshotId, series)),
            ("permanent residents", () => q.PermanentResidents(province, latest.SnapshotId)),
            ("visitors completeness", () => q.VisitorsCompleteness(province, latest.SnapshotId)),
            ("map (linked SVG)", () => charts.Svg("map", "coverage", input, latest)),
            ("coverage chart (SVG)", () => charts.Svg("coverage", null, input, latest)),
            ("trend chart (SVG)", () => charts.Svg("trend", null, new HoSoSucKhoe.Reports.Charts.TrendChartInput(series), latest)),
            ("series (commune)", () => q.Series(commune, null, latest.AsOf)),
            ("priority groups (commune)", () => q.PriorityGroups(commune, latest.SnapshotId)),
            ("completeness (commune)", () => q.Completeness(commune, latest.SnapshotId)),
            ("data quality (commune)", () => q.DataQuality(commune, latest.SnapshotId)),
            ("NCD data (kept per snapshot)", () => ncd.Get(latest)),
            ("NCD cascade chart (SVG)", () => charts.Svg("cascade", null, province, latest, HoSoSucKhoe.Models.Disclosure.Audience.Public)),
            ("NCD prevalence chart (SVG)", () => charts.Svg("prevalence", null, province, latest, HoSoSucKhoe.Models.Disclosure.Audience.Public, null)),
            ("NCD smoothed map (SVG)", () => charts.Svg("map", "smoothed", province, latest, HoSoSucKhoe.Models.Disclosure.Audience.Public, null)),
            ("NCD comorbidity", () => HoSoSucKhoe.Api.Features.Ncd.NcdEndpoints.ComorbidityOf(sp.GetRequiredService<HoSoSucKhoe.Warehouse.WarehouseDb>(), latest, province, HoSoSucKhoe.Models.Disclosure.Audience.Public)),
            ("NCD clusters", () => HoSoSucKhoe.Api.Features.Ncd.NcdEndpoints.ClustersOf(ncd.Get(latest), 4)),
            ("risk model card", () => sp.GetRequiredService<RiskModels>().Latest()),
        };
        Console.WriteLine($"  parts of the pages, each alone (load {Load()}):");
        foreach (var (name, run) in parts)
        {
            for (var i = 0; i < 3; i++) run();
            var times = new double[15];
            for (var i = 0; i < times.Length; i++)
            {
                var started = Stopwatch.GetTimestamp();
                run();
                times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
            Array.Sort(times);
            Console.WriteLine(FormattableString.Invariant($"    {name,-30} p50 {times[7],7:0.0} ms  min {times[0],7:0.0} ms"));
        }
    }

    static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    static async Task<long> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{path}: {(int)response.StatusCode}");
        return (await response.Content.ReadAsByteArrayAsync()).LongLength;
    }

    static async Task<HttpClient> SignedInAsync(Uri address, string user, bool compressed)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = true, CookieContainer = new CookieContainer(), AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        var client = new HttpClient(handler) { BaseAddress = address };
        if (compressed) client.DefaultRequestHeaders.Add("Accept-Encoding", "br, gzip");
        using var page = await client.GetAsync("/dang-nhap");
        if (page.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"/dang-nhap: {(int)page.StatusCode} → {page.Headers.Location}");
        var form = await page.Content.ReadAsStringAsync();
        var token = WebUtility.HtmlDecode(TokenPattern().Match(form).Groups[1].Value);
        using var signIn = await client.PostAsync("/dang-nhap", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = user, ["Password"] = Password, ["__RequestVerificationToken"] = token,
        }));
        if (signIn.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"sign-in of {user}: {(int)signIn.StatusCode}");
        return client;
    }

    sealed record Server(WebApplication App, Uri Address) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }

    static async Task<Server> StartAsync(DemoWarehouse demo, bool cache)
    {
        var app = Program.Create(
        [
            "--urls=http://127.0.0.1:0", $"--Cache:Enabled={cache}", "--Logging:LogLevel:Default=Warning", "--Mail:Enabled=false",
        ], TextWriter.Null, demo);
        await app.StartAsync();
        // The risk model trains/scores in the background at start: measure pages, not the training beside them.
        await app.Services.GetRequiredService<RiskModels>().Ready;
        // … and then reads every snapshot's NCD data: wait for that too, or the first pages share the cores with it.
        await app.Services.GetRequiredService<HoSoSucKhoe.Api.Features.Ncd.RiskModelWarmUp>().Done;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Server(app, new Uri(address));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
