using System.Security.Cryptography;
using System.Text;
using Dapper;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Tables;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace HoSoSucKhoe.Api.Caching;

/// <summary><c>Cache</c> in configuration.</summary>
public sealed class CacheOptions
{
    /// <summary>Output caching of read endpoints (off only to measure uncached latency).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Upper bound on an entry's life; loads evict earlier.</summary>
    public TimeSpan Expiration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Heavy (uncached) queries run at once; more only queue on a small machine (docs/performance.md).
    /// Default: the processor count.</summary>
    public int HeavyQueries { get; set; } = Environment.ProcessorCount;
}

/// <summary>
/// What the data looks like now: a tag over every snapshot (id, loaded_at) and every population row, and the latest
/// loaded_at. It is the ETag and part of every output-cache key, so a response computed before a load can never be
/// served after it, even if it was stored while the load committed.
/// </summary>
public sealed class WarehouseVersion(WarehouseDb db, NcdDataStore ncd)
{
    public sealed record Stamp(string Tag, DateTimeOffset? LastModified);

    public const string Sql = """
        SELECT coalesce((SELECT string_agg(snapshot_id || '@' || loaded_at, ';' ORDER BY snapshot_id) FROM fact_snapshot), '')
               || '|' || coalesce((SELECT bit_xor(hash(code_system, ward_code, year, age_band, sex, population, permanent_population, source))
                                   FROM fact_population), 0)::VARCHAR AS Content,
               greatest((SELECT max(loaded_at) FROM fact_snapshot),
                        (SELECT try_cast(value AS TIMESTAMP) FROM wh_meta WHERE key = 'population_loaded_at')) AS LoadedAt
        """;

    public const string CacheTag = "warehouse";

    readonly Lock gate = new();
    Stamp? current;
    long generation;
    int committing;
    TaskCompletionSource settled = Settled();

    static TaskCompletionSource Settled()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    /// <summary>Where the data stands: a counter bumped by every change, and whether a load is between its commit and
    /// <see cref="ChangedAsync"/> (then what a query reads may be newer than <see cref="Current"/>).</summary>
    internal (long Generation, bool Committing) Moment
    {
        get { lock (gate) return (generation, committing > 0); }
    }

    /// <summary>Called by a load right before its commit (its last step inside the transaction): until
    /// <see cref="Committed"/>, answers cannot be tied to one version and <see cref="ConditionalGetFilter"/> reruns them.</summary>
    public void Committing()
    {
        lock (gate)
        {
            committing++;
            generation++;
            current = null;
            if (settled.Task.IsCompleted) settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>After <see cref="ChangedAsync"/> (or the failure) of a load that called <see cref="Committing"/>.</summary>
    public void Committed()
    {
        TaskCompletionSource? done = null;
        lock (gate)
        {
            if (committing > 0 && --committing == 0) done = settled;
            generation++;
            current = null;
        }
        done?.TrySetResult();
    }

    /// <summary>Completes when no load is committing.</summary>
    internal Task SettledAsync(CancellationToken ct)
    {
        lock (gate) return settled.Task.WaitAsync(ct);
    }

    public Stamp Current
    {
        get
        {
            if (Volatile.Read(ref current) is { } known) return known;
            long started;
            lock (gate) started = generation;
            Stamp fresh;
            using (var c = db.Open())
            {
                var (content, loadedAt) = c.QuerySingle<(string, DateTime?)>(Sql);
                fresh = new Stamp(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)))[..20],
                    loadedAt is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Local)) : null);
            }
            lock (gate)
                if (generation == started && committing == 0) current = fresh;
            return fresh;
        }
    }

    /// <summary>After a load commits: forget the stamp and evict every cached response. Not called when a load fails.</summary>
    public async Task ChangedAsync(IOutputCacheStore store, CancellationToken ct)
    {
        lock (gate)
        {
            generation++;
            current = null;
        }
        ncd.Forget();
        await store.EvictByTagAsync(CacheTag, ct);
    }
}

/// <summary>Output caching for authenticated reads (the built-in default refuses requests with credentials), varied by
/// every query key, the Accept header, the caller's role and scope, and the data version; 200 responses only.</summary>
/// <summary>Endpoint metadata: the response names the requesting user (a workbook's notes sheet), so the output cache
/// keeps one entry per user rather than per role and scope.</summary>
public sealed class PerUserCache;

/// <summary>Page metadata (with <c>[OutputCache(PolicyName = WarehouseCachePolicy.Name)]</c>): a dashboard page carries
/// the signed-in person's name and a form token bound to the browser's antiforgery cookie, so the output cache keeps
/// one entry per user and browser session; the data version and the query still key it, and a load evicts it.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class PageCacheAttribute : Attribute
{
    /// <summary>The cookie whose value binds the page's form tokens (the antiforgery cookie).</summary>
    public const string SessionCookie = "hssk.af";
}

sealed class WarehouseCachePolicy(IOptions<CacheOptions> options, WarehouseVersion version) : IOutputCachePolicy
{
    public const string Name = "warehouse";

    public ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var http = context.HttpContext;
        var read = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);
        var on = options.Value.Enabled && read && http.User.Identity?.IsAuthenticated == true;
        context.EnableOutputCaching = true;
        context.AllowCacheLookup = on;
        context.AllowCacheStorage = on;
        context.AllowLocking = true;
        if (!on) return ValueTask.CompletedTask;
        context.CacheVaryByRules.QueryKeys = "*";
        context.CacheVaryByRules.HeaderNames = HeaderNames.Accept;
        context.CacheVaryByRules.VaryByValues["caller"] = Caller.From(http.User).CacheKey;
        context.CacheVaryByRules.VaryByValues["data"] = version.Current.Tag;
        var metadata = http.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<PerUserCache>() is not null || metadata?.GetMetadata<PageCacheAttribute>() is not null)
            context.CacheVaryByRules.VaryByValues["user"] = Caller.From(http.User).Name;
        if (metadata?.GetMetadata<PageCacheAttribute>() is not null)
        {
            // No session cookie yet: the page will set one (Set-Cookie responses are never stored, below).
            var session = http.Request.Cookies[PageCacheAttribute.SessionCookie] ?? "";
            context.CacheVaryByRules.VaryByValues["session"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(session)))[..16];
        }
        context.ResponseExpirationTimeSpan = options.Value.Expiration;
        context.Tags.Add(WarehouseVersion.CacheTag);
        return ValueTask.CompletedTask;
    }

    public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var response = context.HttpContext.Response;
        if (response.StatusCode != StatusCodes.Status200OK || response.Headers.ContainsKey(HeaderNames.SetCookie))
            context.AllowCacheStorage = false;
        return ValueTask.CompletedTask;
    }
}

/// <summary>ETag and Last-Modified from <see cref="WarehouseVersion"/>; 304 when the client already has this version.
/// The endpoint runs first, so a 400/403/404 is never hidden behind a 304. (Cached responses keep these headers
/// and the output cache answers conditional requests itself.)</summary>
sealed class ConditionalGetFilter(WarehouseVersion version) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        WarehouseVersion.Stamp stamp;
        object? result;
        // The answer and its version must be of the same data: when a load committed while the endpoint read (or is
        // committing now), wait for it to settle and read again (the siege of issue 14 §4 found ETags of the version
        // before a commit on series that already held the new snapshot).
        for (var attempt = 0; ; attempt++)
        {
            var before = version.Moment;
            stamp = version.Current;
            result = await next(context);
            var after = version.Moment;
            if ((before == after && !after.Committing) || attempt == 5) break;
            await version.SettledAsync(http.RequestAborted);
        }
        // The representation: ?format= as given (csv/json for tables, png/svg for charts, each endpoint validates its own),
        // else the Accept header's CSV or JSON.
        var format = http.Request.Query["format"].ToString().ToLowerInvariant();
        var representation = Caller.From(http.User).CacheKey + "|" + (format.Length > 0 ? format
            : http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(Formats.Csv, StringComparison.OrdinalIgnoreCase)) ? "csv" : "json");
        var etag = new EntityTagHeaderValue($"\"{stamp.Tag}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(representation)))[..8]}\"");
        var headers = http.Response.GetTypedHeaders();
        headers.ETag = etag;
        if (stamp.LastModified is { } modified) headers.LastModified = modified;
        http.Response.Headers.CacheControl = "private, no-cache";
        http.Response.Headers.Vary = "Accept, Authorization, X-Api-Key";

        var request = http.Request.GetTypedHeaders();
        var notModified = request.IfNoneMatch is { Count: > 0 } match
            ? match.Any(m => m.Equals(EntityTagHeaderValue.Any) || m.Compare(etag, useStrongComparison: false))
            : request.IfModifiedSince is { } since && stamp.LastModified is { } last && last.AddTicks(-(last.Ticks % TimeSpan.TicksPerSecond)) <= since;
        return notModified ? TypedResults.StatusCode(StatusCodes.Status304NotModified) : result;
    }
}

/// <summary>At most <see cref="CacheOptions.HeavyQueries"/> heavy queries at a time: on a small machine more do not
/// add throughput (docs/performance.md).</summary>
public sealed class QueryGate(IOptions<CacheOptions> options)
{
    readonly SemaphoreSlim slots = new(Math.Max(1, options.Value.HeavyQueries), Math.Max(1, options.Value.HeavyQueries));

    public async Task<T> RunAsync<T>(Func<T> query, CancellationToken ct)
    {
        await slots.WaitAsync(ct);
        try { return query(); }
        finally { slots.Release(); }
    }
}

public static class WarehouseCache
{
    public static IServiceCollection AddWarehouseCache(this IServiceCollection services)
    {
        services.AddOptions<CacheOptions>().BindConfiguration("Cache");
        services.AddSingleton<WarehouseVersion>();
        services.AddSingleton<QueryGate>();
        services.AddOutputCache(o => o.AddPolicy(WarehouseCachePolicy.Name, b => b.AddPolicy<WarehouseCachePolicy>(), excludeDefaultPolicy: true));
        return services;
    }

    /// <summary>Every read endpoint of a group: output cache + ETag/304, tagged so that a committed load evicts it.</summary>
    public static RouteGroupBuilder WithWarehouseCache(this RouteGroupBuilder group) =>
        group.CacheOutput(WarehouseCachePolicy.Name).AddEndpointFilter<ConditionalGetFilter>();
}
