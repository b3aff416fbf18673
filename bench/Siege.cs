using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Synthetic;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace HoSoSucKhoe.Bench;

/// <summary>
/// <c>siege [--dir d] [--quick]</c> (issue 14 §4): 32 clients for 60 s (6 s with --quick) over the API and the pages —
/// cached and uncached reads, API keys and signed-in browsers — while three snapshot loads commit through
/// <c>POST /api/admin/loads</c>; then the same clients on until 100,000 requests (40,000 with --quick) for the memory
/// trend. Every API answer's data version (the ETag's tag) is checked against the body recorded for that version right
/// after each commit: an answer whose figures are not its version's is a mixed answer.
/// </summary>
static partial class Siege
{
    const string Province = "20", AdminKey = "siege-admin-key-1f3e5d7c9b", LeaderKey = "siege-leader-key-2a4c6e8d0f", Password = "mat-khau-vay-hai-0001";

    sealed record Class(string Name, bool Api, Func<int, string> Url, string CheckedPath);

    public static async Task<int> RunAsync(string dir, bool quick, TextWriter output)
    {
        Directory.CreateDirectory(dir);
        var import = Path.Combine(dir, "import");
        var source = Path.Combine(import, Province);
        var folders = Directory.Exists(source) ? SnapshotFolders.In(source) : [];
        if (folders.Count < 6)
        {
            output.WriteLine($"  generating province {Province} (0,5 %, 04–09/2025) in {source}");
            if (Directory.Exists(source)) Directory.Delete(source, true);
            folders = SyntheticProvince.Generate(new GeneratorOptions(Province, 0.005, new DateOnly(2025, 4, 1), new DateOnly(2025, 9, 1), source, 20250701));
        }
        var dbPath = Path.Combine(dir, "siege.duckdb");
        foreach (var f in new[] { dbPath, dbPath + ".wal" }) if (File.Exists(f)) File.Delete(f);
        const string pseudonymKey = "siege-pseudonym-key-0123456789";
        using (var db = new WarehouseDb(dbPath))
        {
            PopulationLoader.Load(db, Path.Combine(source, "population.csv"));
            Pipeline.Loader(db, new Pseudonymiser(pseudonymKey)).LoadAll(folders.Take(3), replace: false);
        }
        var app = Program.Create(
        [
            $"--Warehouse:Path={dbPath}", $"--Warehouse:PseudonymKey={pseudonymKey}", $"--Warehouse:ImportRoot={import}",
            "--urls=http://127.0.0.1:0", "--Mail:Enabled=false", "--Logging:LogLevel:Default=Warning",
            $"--Access:Credentials:0:Key={AdminKey}", "--Access:Credentials:0:Name=Quản trị", "--Access:Credentials:0:Role=admin",
            $"--Access:Credentials:1:Key={LeaderKey}", "--Access:Credentials:1:Name=Lãnh đạo", "--Access:Credentials:1:Role=leadership",
            $"--Access:Credentials:1:Scope={Province}",
        ], TextWriter.Null);
        await app.StartAsync();
        await app.Services.GetRequiredService<RiskModels>().Ready;
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        app.Services.GetRequiredService<UserStore>().Add("lanhdao", "Lãnh đạo (vây hãm)", Roles.Leadership, Province, Password);

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 64, AllowAutoRedirect = false, UseCookies = false };
        HttpClient Api(string key)
        {
            var c = new HttpClient(handler, disposeHandler: false) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(15) };
            c.DefaultRequestHeaders.Add("X-Api-Key", key);
            return c;
        }
        using var leader = Api(LeaderKey);
        using var admin = Api(AdminKey);
        var browsers = new List<HttpClient>();
        for (var i = 0; i < 8; i++) browsers.Add(await SignInAsync(address, "lanhdao", Password));

        var classes = new Class[]
        {
            new("API cached (communes table)", true, _ => $"/api/coverage/communes?parent={Province}", $"/api/coverage/communes?parent={Province}"),
            new("API cached (series)", true, _ => $"/api/coverage/units/{Province}/series", $"/api/coverage/units/{Province}/series"),
            new("API cached (snapshots)", true, _ => "/api/snapshots", "/api/snapshots"),
            new("API uncached (communes, unique query)", true, n => $"/api/coverage/communes?parent={Province}&n={n}", $"/api/coverage/communes?parent={Province}"),
            new("API uncached (series, unique query)", true, n => $"/api/coverage/units/{Province}/series?n={n}", $"/api/coverage/units/{Province}/series"),
            new("page cached (overview)", false, _ => $"/tinh/{Province}", ""),
            new("page uncached (communes, unique query)", false, n => $"/tinh/{Province}/xa?q=&n={n}", ""),
        };
        // 32 clients: 20 on the API (cached-heavy), 12 browsers on pages.
        var assignment = Enumerable.Range(0, 32).Select(i => i switch
        {
            < 6 => 0, < 10 => 1, < 13 => 2, < 17 => 3, < 20 => 4, < 28 => 5, _ => 6,
        }).ToArray();

        var expected = new Dictionary<string, Dictionary<string, string>>(); // version → path → body
        async Task RecordExpectedAsync()
        {
            foreach (var path in classes.Where(c => c.Api).Select(c => c.CheckedPath).Distinct())
            {
                using var r = await leader.GetAsync(path + (path.Contains('?') ? "&" : "?") + "fresh=" + Guid.NewGuid().ToString("N"));
                var version = Version(r);
                var body = await r.Content.ReadAsStringAsync();
                lock (expected)
                {
                    if (!expected.TryGetValue(version, out var bodies)) expected[version] = bodies = [];
                    bodies[path] = body;
                }
            }
        }
        await RecordExpectedAsync();

        var latencies = classes.Select(_ => new List<double>()).ToArray();
        long requests = 0, errors = 0, mixed = 0, unverified = 0;
        var errorSamples = new List<string>();
        var mixedSamples = new List<string>();
        var memory = new List<(long Requests, double Mb)>();
        var process = Process.GetCurrentProcess();
        var stop = new CancellationTokenSource();
        var mainPhase = TimeSpan.FromSeconds(quick ? 6 : 60);
        var target = quick ? 40_000 : 100_000;
        var pendingCheck = new List<(string Version, string Path, string Body, string Url)>();
        var watch = Stopwatch.StartNew();

        async Task Worker(int index)
        {
            var cls = classes[assignment[index]];
            var ci = assignment[index];
            var client = cls.Api ? leader : browsers[index % browsers.Count];
            var local = new List<double>();
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref requests);
                var url = cls.Url((int)n);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var r = await client.GetAsync(url);
                    var body = await r.Content.ReadAsStringAsync();
                    local.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    if (r.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref errors);
                        lock (errorSamples) if (errorSamples.Count < 10) errorSamples.Add($"{url}: {(int)r.StatusCode} {body[..Math.Min(200, body.Length)]}");
                    }
                    else if (cls.Api)
                        lock (pendingCheck) pendingCheck.Add((Version(r), cls.CheckedPath, body, url));
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                    lock (errorSamples) if (errorSamples.Count < 10) errorSamples.Add($"{url}: {e.GetType().Name} {e.Message}");
                }
                if (n % 10_000 == 0)
                {
                    process.Refresh();
                    lock (memory) memory.Add((n, process.WorkingSet64 / 1048576.0));
                }
                if (n >= target && watch.Elapsed > mainPhase) stop.Cancel();
            }
            lock (latencies[ci]) latencies[ci].AddRange(local);
        }

        // Compare the answers against their version's bodies in the background (bodies of a version not yet recorded
        // wait for it; the expected bodies are recorded right after each commit).
        void Verify(bool final)
        {
            List<(string Version, string Path, string Body, string Url)> batch;
            lock (pendingCheck) { batch = [.. pendingCheck]; pendingCheck.Clear(); }
            var keep = new List<(string, string, string, string)>();
            foreach (var item in batch)
            {
                Dictionary<string, string>? bodies;
                lock (expected) expected.TryGetValue(item.Version, out bodies);
                if (bodies is null || !bodies.TryGetValue(item.Path, out var want))
                {
                    if (final) { unverified++; lock (mixedSamples) if (mixedSamples.Count < 10) mixedSamples.Add($"{item.Url}: version {item.Version} never current after a commit"); }
                    else keep.Add(item);
                    continue;
                }
                if (want != item.Body)
                {
                    mixed++;
                    lock (mixedSamples) if (mixedSamples.Count < 10) mixedSamples.Add($"{item.Url}: ETag version {item.Version}, body of another version");
                }
            }
            lock (pendingCheck) pendingCheck.AddRange(keep);
        }

        var workers = Enumerable.Range(0, 32).Select(i => Task.Run(() => Worker(i))).ToArray();
        var loads = new List<string>();
        var loadAt = quick ? new[] { 1.0, 2.5, 4.0 } : [10.0, 25.0, 40.0];
        for (var i = 0; i < 3; i++)
        {
            var wait = TimeSpan.FromSeconds(loadAt[i]) - watch.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            var folder = Path.GetRelativePath(import, folders[3 + i]);
            var t = Stopwatch.StartNew();
            using var r = await admin.PostAsJsonAsync("/api/admin/loads", new { folder });
            var text = await r.Content.ReadAsStringAsync();
            if (r.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"load {folder}: {(int)r.StatusCode} {text}");
            await RecordExpectedAsync();
            loads.Add($"{folder} committed at {watch.Elapsed.TotalSeconds:0.0} s ({t.Elapsed.TotalSeconds:0.0} s)");
            Verify(false);
        }
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(500);
            Verify(false);
        }
        await Task.WhenAll(workers);
        Verify(true);
        var seconds = watch.Elapsed.TotalSeconds;
        await app.StopAsync();
        await app.DisposeAsync();
        foreach (var b in browsers) b.Dispose();

        var o = output;
        o.WriteLine($"  32 clients, {seconds:0} s; loads: {string.Join("; ", loads)}; {expected.Count} data versions recorded");
        o.WriteLine($"  {requests:N0} requests ({requests / seconds:N0}/s), {errors:N0} errors, {mixed:N0} mixed answers, {unverified:N0} unverified; load {Load()}");
        for (var i = 0; i < classes.Length; i++)
        {
            var l = latencies[i];
            l.Sort();
            if (l.Count == 0) continue;
            o.WriteLine(FormattableString.Invariant($"    {classes[i].Name,-42} {l.Count,8:N0} requests  p50 {l[l.Count / 2],7:0.0} ms  p99 {l[Math.Min(l.Count - 1, (int)(l.Count * 0.99))],7:0.0} ms"));
        }
        memory.Sort((a, b) => a.Requests.CompareTo(b.Requests));
        o.WriteLine("  working set every 10,000 requests (MB): " + string.Join(", ", memory.Select(m => $"{m.Requests / 1000}k {m.Mb:0}")));
        var tail = memory.Skip(1).ToList(); // the first sample is the warm-up (JIT, first cache fills)
        static double Slope(List<(long Requests, double Mb)> xs)
        {
            if (xs.Count < 3) return double.NaN;
            var mx = xs.Average(m => (double)m.Requests);
            var my = xs.Average(m => m.Mb);
            return xs.Sum(m => (m.Requests - mx) * (m.Mb - my)) / xs.Sum(m => (m.Requests - mx) * (m.Requests - mx)) * 10_000;
        }
        var slope = Slope([.. tail.Select(m => (m.Requests, m.Mb))]);
        var late = Slope([.. tail.Skip(tail.Count / 2).Select(m => (m.Requests, m.Mb))]);
        // A leak grows; a working set that falls (the GC giving back what the loads' parsing took) is not one.
        var flat = tail.Count >= 3 && slope < 2.0;
        o.WriteLine($"  memory slope {slope:0.00} MB per 10,000 requests over {tail.Count} samples after warm-up, {late:0.00} over the last " +
                    $"{tail.Count - tail.Count / 2}: {(flat ? "not growing" : "GROWING")}");
        foreach (var e in errorSamples) o.WriteLine("    error: " + e);
        foreach (var m in mixedSamples) o.WriteLine("    mixed: " + m);
        return errors == 0 && mixed == 0 && unverified == 0 && flat ? 0 : 1;
    }

    static string Version(HttpResponseMessage r)
    {
        var tag = r.Headers.ETag?.Tag ?? "\"none\"";
        var text = tag.Trim('"');
        var dash = text.LastIndexOf('-');
        return dash > 0 ? text[..dash] : text;
    }

    static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    static async Task<HttpClient> SignInAsync(Uri address, string user, string password)
    {
        var handler = new SocketsHttpHandler { UseCookies = true, CookieContainer = new CookieContainer(), AllowAutoRedirect = false, MaxConnectionsPerServer = 8 };
        var client = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
        using var page = await client.GetAsync("/dang-nhap");
        var token = WebUtility.HtmlDecode(TokenPattern().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value);
        using var signIn = await client.PostAsync("/dang-nhap", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = user, ["Password"] = password, ["__RequestVerificationToken"] = token,
        }));
        if (signIn.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"sign-in of {user}: {(int)signIn.StatusCode}");
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
