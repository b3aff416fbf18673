using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Options;

namespace HoSoSucKhoe.Api.Features.Admin;

/// <summary>A load started from the administration page: what it loads, who started it, its progress and its outcome
/// (one message for success or the Vietnamese reason of a refusal). Thread-safe snapshots through <see cref="State"/>.</summary>
public sealed class LoadJob(string kind, string path, bool replace, string startedBy, DateTimeOffset startedAt) : IProgress<ProgressUpdate>
{
    readonly Lock gate = new();
    ProgressUpdate progress = new("Đang chờ bắt đầu…", 0);
    string? outcome;
    bool failed, finished;

    public string Kind { get; } = kind;
    public string Path { get; } = path;
    public bool Replace { get; } = replace;
    public string StartedBy { get; } = startedBy;
    public DateTimeOffset StartedAt { get; } = startedAt;

    public void Report(ProgressUpdate value)
    {
        lock (gate) progress = value with { Fraction = value.Fraction ?? progress.Fraction };
    }

    internal void Finish(string message, bool error)
    {
        lock (gate) (outcome, failed, finished) = (message, error, true);
    }

    /// <summary>Progress text and share done (0–1 when the loader knows it), whether it has finished, its outcome.</summary>
    public (ProgressUpdate Progress, bool Finished, bool Failed, string? Outcome) State
    {
        get { lock (gate) return (progress, finished, failed, outcome); }
    }
}

/// <summary>
/// Loads into the warehouse for the admin API and the administration page alike: the server path an admin names
/// (inside the import folder, <see cref="WarehouseOptions.ImportFolder"/>, unless <c>Warehouse:AllowAnyServerPath</c>), one load at a time (<see cref="LoadGate"/>), the output cache evicted
/// and the risk model refreshed after a committed load. <see cref="Start"/> runs one in the background for the page.
/// </summary>
public sealed class AdminLoads(WarehouseDb db, IOptions<WarehouseOptions> options, LoadGate gate, WarehouseVersion version,
    IOutputCacheStore cache, RiskModels models, TimeProvider clock, ILogger<AdminLoads> log)
{
    public const string Snapshots = "snapshots", Population = "population";

    LoadJob? latest;

    /// <summary>The load started last from the page (running or finished), if any since the server started.</summary>
    public LoadJob? Latest => Volatile.Read(ref latest);

    /// <summary>Loads a snapshot folder, or every snapshot in its sub-folders in as_of order.</summary>
    /// <exception cref="ProblemException">400 for a bad path or a rejected snapshot, 409 for a conflict (another load,
    /// same id with other content, no pseudonym key).</exception>
    public async Task<LoadResponse> SnapshotsAsync(string? requested, bool replace, IProgress<ProgressUpdate>? progress = null)
    {
        if (string.IsNullOrWhiteSpace(requested)) throw Problems.Missing("folder");
        var folder = ServerPath("folder", requested);
        var pseudonymiser = RequireKey();
        var results = new List<LoadResult>();
        try
        {
            await gate.RunAsync(() =>
            {
                var folders = SnapshotFolders.In(folder);
                var committing = false;
                // The last step inside each load's transaction tells the version a commit is coming; once it has
                // committed the cache is evicted at once (not after the whole batch), then the version settles.
                var loader = new SnapshotLoader(db, pseudonymiser, [.. Pipeline.AfterLoadSteps, (_, _) => { committing = true; version.Committing(); }])
                {
                    UnknownWardTolerance = options.Value.UnknownWardTolerance,
                };
                for (var i = 0; i < folders.Count; i++)
                {
                    try
                    {
                        results.Add(loader.Load(folders[i], replace, ProgressUpdate.Part(progress, i, folders.Count)));
                        if (committing) version.ChangedAsync(cache, CancellationToken.None).GetAwaiter().GetResult();
                    }
                    finally
                    {
                        if (committing) version.Committed();
                        committing = false;
                    }
                }
                return results;
            });
        }
        catch (SnapshotRejectedException e)
        {
            // Conflicts with the warehouse's state (same id, other content; a load started elsewhere in this process)
            // are 409; everything wrong with the snapshot itself is 400.
            throw new ProblemException(e.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest, "Ảnh chụp bị từ chối", e.Message);
        }
        finally
        {
            // Earlier folders of a batch stay committed when a later one is rejected: evict for them too.
            if (results.Any(r => r.Outcome != LoadOutcome.AlreadyLoaded))
            {
                await version.ChangedAsync(cache, CancellationToken.None);
                _ = models.RefreshInBackground(e => log.LogWarning(e, "Risk model refresh after a load failed"));
            }
        }
        return new LoadResponse(results);
    }

    /// <summary>Loads a population CSV (denominators).</summary>
    /// <exception cref="ProblemException">400 for a bad path or a rejected file, 409 while another load runs.</exception>
    public async Task<PopulationLoadResult> PopulationAsync(string? requested, IProgress<ProgressUpdate>? progress = null)
    {
        if (string.IsNullOrWhiteSpace(requested)) throw Problems.Missing("path");
        var path = ServerPath("path", requested);
        PopulationLoadResult result;
        try
        {
            progress?.Report(new ProgressUpdate($"Đang đọc {System.IO.Path.GetFileName(path)}…", 0));
            result = await gate.RunAsync(() => PopulationLoader.Load(db, path));
        }
        catch (SnapshotRejectedException e)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "Tệp dân số bị từ chối", e.Message);
        }
        await version.ChangedAsync(cache, CancellationToken.None);
        return result;
    }

    /// <summary>Starts a load in the background (the page shows its progress); refused at once (409) while one runs.</summary>
    public LoadJob Start(string kind, string? path, bool replace, string startedBy)
    {
        if (kind is not (Snapshots or Population)) throw Problems.BadParameter("kind", kind, "snapshots hoặc population");
        if (string.IsNullOrWhiteSpace(path)) throw Problems.Missing(kind == Snapshots ? "folder" : "path");
        ServerPath(kind == Snapshots ? "folder" : "path", path); // a bad path is refused before anything starts
        var job = new LoadJob(kind, path, replace, startedBy, clock.GetLocalNow());
        lock (this)
        {
            if (latest is { } running && !running.State.Finished)
                throw Problems.Conflict("Một lần nạp khác đang chạy trên kho dữ liệu này; hãy đợi nó xong rồi thử lại.");
            latest = job;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                if (kind == Snapshots)
                {
                    var response = await SnapshotsAsync(path, replace, job);
                    job.Finish(string.Join("; ", response.Results.Select(Describe)), error: false);
                }
                else
                {
                    var r = await PopulationAsync(path, job);
                    job.Finish($"Đã nạp dân số: {r.Rows.ToString("N0", Vi)} dòng, {r.Units.ToString("N0", Vi)} đơn vị, {r.People.ToString("N0", Vi)} người.", error: false);
                }
            }
            catch (ProblemException e) { job.Finish(e.Message, error: true); }
            catch (Exception e)
            {
                log.LogError(e, "Load from the administration page failed");
                job.Finish("Lỗi không mong đợi khi nạp; kho dữ liệu giữ nguyên như trước. Xem nhật ký máy chủ.", error: true);
            }
        });
        return job;
    }

    static readonly System.Globalization.CultureInfo Vi = System.Globalization.CultureInfo.GetCultureInfo("vi-VN");

    static string Describe(LoadResult r) => r.Outcome switch
    {
        LoadOutcome.AlreadyLoaded => $"{r.SnapshotId}: đã có trong kho, không nạp lại",
        _ => $"{r.SnapshotId}: đã nạp {r.Persons.ToString("N0", Vi)} hồ sơ, {r.Encounters.ToString("N0", Vi)} lượt khám trong {r.Seconds.ToString("N1", Vi)} giây",
    };

    /// <summary>What an admin may load from the import folder: snapshot folders (with a manifest, directly or one level
    /// down) and population CSV files, as paths relative to it. Empty when the folder does not exist.</summary>
    public (IReadOnlyList<string> Folders, IReadOnlyList<string> PopulationFiles) Candidates()
    {
        var root = options.Value.ImportFolder;
        if (!Directory.Exists(root)) return ([], []);
        string Relative(string p) => System.IO.Path.GetRelativePath(root, p);
        var folders = Directory.EnumerateDirectories(root, "*", new EnumerationOptions { MaxRecursionDepth = 1, RecurseSubdirectories = true })
            .Where(d => File.Exists(System.IO.Path.Combine(d, Manifest.FileName)) ||
                        Directory.EnumerateDirectories(d).Any(s => File.Exists(System.IO.Path.Combine(s, Manifest.FileName))))
            .Select(Relative).Order(StringComparer.Ordinal).ToList();
        var csv = Directory.EnumerateFiles(root, "*.csv", new EnumerationOptions { MaxRecursionDepth = 2, RecurseSubdirectories = true })
            .Select(Relative).Order(StringComparer.Ordinal).ToList();
        return (folders, csv);
    }

    Pseudonymiser RequireKey()
    {
        try { return options.Value.RequirePseudonymiser(); }
        catch (InvalidOperationException e) { throw Problems.Conflict(e.Message); }
    }

    /// <summary>
    /// The server path an admin request names. A relative path means a path in the import folder
    /// (<see cref="WarehouseOptions.ImportFolder"/>), and a path outside it — after resolving <c>..</c> and every
    /// symbolic link on the way — is refused; only <c>Warehouse:AllowAnyServerPath</c> lets any server path through. The answer is the resolved path, so the load reads what was checked.
    /// </summary>
    string ServerPath(string parameter, string path)
    {
        var o = options.Value;
        if (path.Contains('\0')) throw Problems.BadParameter(parameter, path, "đường dẫn chứa ký tự NUL");
        if (o.AllowAnyServerPath) return System.IO.Path.GetFullPath(path);
        var root = o.ImportFolder;
        if (!System.IO.Path.EndsInDirectorySeparator(root)) root += System.IO.Path.DirectorySeparatorChar;
        var refused = Problems.BadParameter(parameter, path, $"đường dẫn phải nằm trong thư mục nhập dữ liệu {root}");
        var full = System.IO.Path.GetFullPath(path, root);
        if (!Inside(full, root)) throw refused;
        var realRoot = RealPath(root);
        if (!System.IO.Path.EndsInDirectorySeparator(realRoot)) realRoot += System.IO.Path.DirectorySeparatorChar;
        string real;
        try { real = RealPath(full); }
        catch (IOException) { throw refused; } // a link loop
        return Inside(real, realRoot) ? real : throw refused;
    }

    static bool Inside(string full, string root) => (full + System.IO.Path.DirectorySeparatorChar).StartsWith(root, StringComparison.Ordinal);

    /// <summary>The path with every symbolic link among its existing parts replaced by its final target (a part that
    /// does not exist yet is kept as written).</summary>
    internal static string RealPath(string path, int depth = 0)
    {
        if (depth > 40) throw new IOException("too many symbolic links: " + path);
        var full = System.IO.Path.GetFullPath(path);
        var current = System.IO.Path.GetPathRoot(full)!;
        foreach (var part in full[current.Length..].Split(System.IO.Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = System.IO.Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                next = RealPath(target.FullName, depth + 1);
            current = next;
        }
        return current;
    }
}
