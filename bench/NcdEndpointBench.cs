using System.Diagnostics;
using System.Globalization;
using Dapper;
using HoSoSucKhoe.Api.Features.Ncd;
using HoSoSucKhoe.Warehouse;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HoSoSucKhoe.Bench;

/// <summary>
/// Issue 15 §2: every NCD endpoint (and the commune list, for comparison) uncached on one warehouse. The real server
/// (Program.Create, <c>Cache:Enabled=false</c>) on Kestrel at a free loopback port, measured after its background
/// warm-up (risk model, NCD data store) has finished; the line lists with a commune officer's key of the commune with
/// the most records. Each path: 3 warm-up requests, then <c>runs</c> sequential timed requests; p50, p99, bytes.
/// </summary>
public static class NcdEndpointBench
{
    const string AdminKey = "bench-admin-key-0123456789";
    const string OfficerKey = "bench-officer-key-0123456789";

    public static async Task<int> RunAsync(string warehouse, int runs, TextWriter log)
    {
        string province, commune, snapshot;
        long records;
        using (var db = new WarehouseDb(warehouse))
        using (var c = db.Open())
        {
            (snapshot, province) = c.QuerySingle<(string, string)>("SELECT snapshot_id, province_code FROM fact_snapshot ORDER BY as_of DESC, seq DESC LIMIT 1");
            (commune, records) = c.QuerySingle<(string, long)>(
                "SELECT ward_code, count(*) FROM fact_record WHERE snapshot_id = $snapshot GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1", new { snapshot });
        }
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"warehouse {warehouse}, snapshot {snapshot}; officer of commune {commune} ({records:N0} records); cache off, {runs} sequential requests each"));

        var app = Program.Create(
        [
            $"--Warehouse:Path={warehouse}", "--urls=http://127.0.0.1:0", "--Cache:Enabled=false", "--Logging:LogLevel:Default=Warning",
            $"--Access:Credentials:0:Key={AdminKey}", "--Access:Credentials:0:Name=benchmark", "--Access:Credentials:0:Role=admin",
            $"--Access:Credentials:1:Key={OfficerKey}", "--Access:Credentials:1:Name=officer", "--Access:Credentials:1:Role=commune_officer",
            $"--Access:Credentials:1:Scope={commune}",
        ], TextWriter.Null);
        await app.StartAsync();
        try
        {
            var warm = Stopwatch.StartNew();
            await app.Services.GetServices<IHostedService>().OfType<RiskModelWarmUp>().Single().Done;
            log.WriteLine($"server warm-up (risk model, NCD data store) {warm.Elapsed.TotalSeconds:0.0} s");
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var admin = Client(address, AdminKey);
            using var officer = Client(address, OfficerKey);
            var paths = new (string Path, HttpClient Client)[]
            {
                ($"/api/coverage/communes?parent={province}", admin),
                ($"/api/ncd/cascade?unit={province}", admin),
                ($"/api/ncd/cascade?unit={commune}", admin),
                ($"/api/ncd/cascade/series?unit={province}", admin),
                ($"/api/ncd/prevalence?unit={province}", admin),
                ($"/api/ncd/prevalence/series?unit={province}", admin),
                ($"/api/ncd/anchors?unit={province}", admin),
                ($"/api/ncd/comorbidity?unit={province}", admin),
                ($"/api/ncd/clusters?unit={province}", admin),
                ("/api/ncd/model", admin),
                ($"/api/ncd/programme/htn?unit={province}", admin),
                ($"/api/ncd/programme/dm?unit={province}", admin),
                ($"/api/ncd/programme/htn/trend?unit={province}", admin),
                ($"/api/ncd/programme/htn/cohorts?unit={province}", admin),
                ($"/api/ncd/linelists/priority?unit={commune}", officer),
                ($"/api/ncd/linelists/followup?unit={commune}", officer),
                ($"/api/ncd/linelists/risk?unit={commune}", officer),
            };
            log.WriteLine($"{"endpoint",-52} {"p50 ms",8} {"p99 ms",8} {"KB",8}  < 200 ms");
            var failed = 0;
            foreach (var (path, client) in paths)
            {
                var times = new List<double>();
                long bytes = 0;
                for (var i = 0; i < runs + 3; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    using var response = await client.GetAsync(path);
                    var body = await response.Content.ReadAsByteArrayAsync();
                    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (!response.IsSuccessStatusCode)
                    {
                        // e.g. /api/ncd/model on a warehouse of one snapshot (no model to train): said, not timed
                        var text = System.Text.Encoding.UTF8.GetString(body);
                        log.WriteLine($"{path,-52} HTTP {(int)response.StatusCode}: {text[..Math.Min(200, text.Length)]}");
                        if ((int)response.StatusCode >= 500) failed++;
                        break;
                    }
                    bytes = body.Length;
                    if (i >= 3) times.Add(ms);
                }
                if (times.Count == 0) continue;
                times.Sort();
                double P(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{path,-52} {P(0.5),8:0.0} {P(0.99),8:0.0} {bytes / 1024.0,8:0.0}  {(P(0.5) < 200 ? "yes" : "NO")}"));
            }
            return failed == 0 ? 0 : 1;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    static HttpClient Client(string address, string key)
    {
        var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return http;
    }
}
