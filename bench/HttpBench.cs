using System.Diagnostics;
using System.Net.Http.Json;
using HoSoSucKhoe.Api.Features.Snapshots;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace HoSoSucKhoe.Bench;

/// <summary>Latency of one run: <see cref="Requests"/> measured requests from <see cref="Concurrency"/> workers.</summary>
public sealed record LatencyStats(string Mode, int Requests, int Concurrency, double P50Ms, double P99Ms, double MaxMs,
    double RequestsPerSecond, int Errors);

public sealed record HttpBenchResult(string Path, LatencyStats Cached, LatencyStats Uncached);

/// <summary>
/// The commune-coverage endpoint under a bounded load on 127.0.0.1: the real server (Program.Create) on
/// Kestrel at a free port over an existing warehouse, run twice — output cache on (every request after the first is
/// a hit), then off (<c>Cache:Enabled=false</c>: every request runs the query) — with an HttpClient on the same machine.
/// </summary>
public static class HttpBench
{
    const string Key = "bench-admin-key-0123456789";

    /// <param name="warehousePath">A loaded warehouse (not opened by another process).</param>
    /// <param name="parent">Province whose communes are listed; default: that of the latest snapshot.</param>
    /// <param name="uncachedConcurrency">Default 2, the server's cap on concurrent heavy queries: more only queues, and the
    /// p50 would then measure the queue rather than the query.</param>
    public static async Task<HttpBenchResult> RunAsync(string warehousePath, string? parent = null, int cachedRequests = 5000,
        int uncachedRequests = 300, int cachedConcurrency = 8, int uncachedConcurrency = 2, TextWriter? log = null,
        CancellationToken ct = default)
    {
        string? path = parent is null ? null : Path(parent);
        LatencyStats cached, uncached;
        await using (var server = await Server.StartAsync(warehousePath, cache: true, ct))
        {
            path ??= Path((await server.Client.GetFromJsonAsync<SnapshotRow>("/api/snapshots/latest", ct))!.ProvinceCode);
            cached = await MeasureAsync(server.Client, path, "cached", 1000, cachedRequests, cachedConcurrency, ct);
            log?.WriteLine(Describe(cached));
        }
        await using (var server = await Server.StartAsync(warehousePath, cache: false, ct))
        {
            uncached = await MeasureAsync(server.Client, path, "uncached", 20, uncachedRequests, uncachedConcurrency, ct);
            log?.WriteLine(Describe(uncached));
        }
        return new HttpBenchResult(path, cached, uncached);
    }

    public static string Describe(LatencyStats s) => FormattableString.Invariant(
        $"{s.Mode,-9} {s.Requests} requests, {s.Concurrency} concurrent: p50 {s.P50Ms:0.00} ms, p99 {s.P99Ms:0.00} ms, max {s.MaxMs:0.0} ms, {s.RequestsPerSecond:0} req/s, {s.Errors} errors");

    static string Path(string province) => $"/api/coverage/communes?parent={province}";

    /// <summary>Warm-up first (tiered JIT needs about a thousand calls before the cached path is at full speed; connections;
    /// the first cache fill), then <paramref name="requests"/> timed requests.</summary>
    static async Task<LatencyStats> MeasureAsync(HttpClient client, string path, string mode, int warmUp, int requests, int concurrency,
        CancellationToken ct)
    {
        for (var i = 0; i < warmUp; i++) await Send(client, path, ct);

        var latencies = new double[requests];
        var next = -1;
        var errors = 0;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                var started = Stopwatch.GetTimestamp();
                if (!await Send(client, path, ct)) Interlocked.Increment(ref errors);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }, ct)));
        var seconds = total.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        double Percentile(double p) => latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p * latencies.Length) - 1)];
        return new LatencyStats(mode, requests, concurrency, Percentile(0.50), Percentile(0.99), latencies[^1], requests / seconds, errors);
    }

    static async Task<bool> Send(HttpClient client, string path, CancellationToken ct)
    {
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseContentRead, ct);
        return response.IsSuccessStatusCode;
    }

    sealed class Server(WebApplication app, HttpClient client) : IAsyncDisposable
    {
        public HttpClient Client => client;

        public static async Task<Server> StartAsync(string warehousePath, bool cache, CancellationToken ct)
        {
            var app = Program.Create(
            [
                $"--Warehouse:Path={warehousePath}", "--urls=http://127.0.0.1:0", $"--Cache:Enabled={cache}",
                "--Logging:LogLevel:Default=Warning", $"--Access:Credentials:0:Key={Key}", "--Access:Credentials:0:Name=benchmark",
                "--Access:Credentials:0:Role=admin",
            ], TextWriter.Null);
            await app.StartAsync(ct);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(address) };
            http.DefaultRequestHeaders.Add("X-Api-Key", Key);
            return new Server(app, http);
        }

        public async ValueTask DisposeAsync()
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
