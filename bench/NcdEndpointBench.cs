using System.Diagnostics;
using System.Net.Http.Json;
using HoSoSucKhoe.Api.Features.Snapshots;

namespace HoSoSucKhoe.Bench;

/// <summary>
/// Issue 15 §2: every provincial NCD endpoint on a loaded warehouse (default: the ~1M-person bench snapshot), the real
/// server on 127.0.0.1 with the output cache off (every request computes its answer from what the server keeps), an
/// admin caller: the first request after start-up, then p50/p99 over <c>requests</c> sequential requests. Target:
/// p50 &lt; 200 ms uncached at 1M records.
/// </summary>
static class NcdEndpointBench
{
    public static async Task<int> RunAsync(string warehouse, int requests, TextWriter log)
    {
        await using var server = await HttpBench.Server.StartAsync(warehouse, cache: false, CancellationToken.None);
        var latest = (await server.Client.GetFromJsonAsync<SnapshotRow>("/api/snapshots/latest"))!;
        var commune = (await server.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/coverage/communes?parent={latest.ProvinceCode}"))
            .EnumerateArray().Where(r => r.GetProperty("level").GetString() == "commune").Select(r => r.GetProperty("code").GetString()!).First();
        log.WriteLine($"warehouse {warehouse}: snapshot {latest.SnapshotId}, {latest.Persons:N0} records; output cache off; commune {commune} for the commune-level rows");
        string[] paths =
        [
            "/api/ncd/cascade", $"/api/ncd/cascade?unit={commune}", "/api/ncd/cascade/series",
            "/api/ncd/prevalence", "/api/ncd/prevalence?measure=htn_diagnosed&sex=female", $"/api/ncd/prevalence?unit={commune}",
            "/api/ncd/prevalence/series", "/api/ncd/anchors", "/api/ncd/comorbidity", "/api/ncd/clusters", "/api/ncd/model",
            $"/api/ncd/linelists/priority?unit={commune}", $"/api/ncd/linelists/followup?unit={commune}",
            "/api/ncd/programme/hypertension", "/api/ncd/programme/hypertension/trend", "/api/ncd/programme/diabetes/cohorts",
        ];
        log.WriteLine($"{"endpoint",-58} {"status",6} {"first ms",9} {"p50 ms",8} {"p99 ms",8} {"KB",8}");
        foreach (var path in paths)
        {
            var sw = Stopwatch.StartNew();
            using var first = await server.Client.GetAsync(path);
            var body = await first.Content.ReadAsByteArrayAsync();
            var firstMs = sw.Elapsed.TotalMilliseconds;
            if (!first.IsSuccessStatusCode)
            {
                log.WriteLine($"{path,-58} {(int)first.StatusCode,6} {firstMs,9:0} (not measured)");
                continue;
            }
            var s = await HttpBench.MeasureAsync(server.Client, path, "uncached", 2, requests, 1, CancellationToken.None);
            log.WriteLine($"{path,-58} {(int)first.StatusCode,6} {firstMs,9:0} {s.P50Ms,8:0.0} {s.P99Ms,8:0.0} {body.Length / 1024.0,8:0}");
        }
        return 0;
    }
}
