using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Dapper;
using DuckDB.NET.Data;
using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Synthetic;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Backup;
using HoSoSucKhoe.Warehouse.Loading;

namespace HoSoSucKhoe.Bench;

/// <summary>
/// <c>kill-trials [--dir d] [--quick]</c> (issue 14 §1): <c>kill -9</c> of the command line at random points of a
/// snapshot load (spread over checksums, staging, validation, each write step and the commit), of a population load, of
/// the risk-model training a server runs at start and of an e-mail send; after each, the warehouse must open, equal its
/// state before or after (every table's rows, <see cref="WarehouseFingerprint"/>) and take the next load, training or
/// send. Then a load into a warehouse on a small tmpfs (disk full) and a backup/restore round trip.
/// Exit code 1 if any trial failed.
/// </summary>
static class KillTrials
{
    const string Key = "kill-trials-key-0123456789";
    const string Province = "20";
    static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");

    // Load times and durations differ between two equal loads; everything else must be equal.
    static readonly HashSet<string> VolatileColumns = ["loaded_at", "load_seconds", "computed_at", "seconds", "trained_at", "created_at", "claimed_at", "finished_at"];

    sealed record Kind(string Name)
    {
        public int Run, Survived;
        public int Before, After;
        public List<double> Seconds { get; } = [];
        public Dictionary<string, int> Targets { get; } = new(StringComparer.Ordinal);
        public List<string> Failures { get; } = [];
    }

    /// <param name="trials">Snapshot-load trials (default 100, 10 with --quick); the other kinds run a tenth as many (at least 3).</param>
    public static async Task<int> RunAsync(string dir, bool quick, int? trials = null)
    {
        var total = Stopwatch.StartNew();
        Directory.CreateDirectory(dir);
        var api = ApiDll();
        Console.WriteLine($"kill-trials: {(quick ? "quick" : "full")} run in {dir}; CLI {api}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores; load average at start {LoadAverage()}");
        var rng = new Random(quick ? 14 : 1400);

        // One small province, generated once: July is in the base warehouse, August is the load the trials kill,
        // a tiny October snapshot is "the next load".
        var snapshots = Path.Combine(dir, "snapshots");
        var next = Path.Combine(dir, "next");
        if (!Directory.Exists(Path.Combine(snapshots, "20-2025-08-31")))
            SyntheticProvince.Generate(new GeneratorOptions(Province, 0.01, new DateOnly(2025, 7, 1), new DateOnly(2025, 8, 1), snapshots));
        if (!Directory.Exists(Path.Combine(next, "20-2025-10-31")))
            SyntheticProvince.Generate(new GeneratorOptions(Province, 0.002, new DateOnly(2025, 10, 1), new DateOnly(2025, 10, 1), next, 7));
        var july = Path.Combine(snapshots, "20-2025-07-31");
        var august = Path.Combine(snapshots, "20-2025-08-31");
        var october = Path.Combine(next, "20-2025-10-31");
        var populationCsv = Path.Combine(snapshots, "population.csv");
        var populationChanged = Path.Combine(dir, "population-doubled.csv");
        WriteDoubledPopulation(populationCsv, populationChanged);

        // States, fingerprinted once.
        var baseDb = Path.Combine(dir, "base.duckdb");
        var afterDb = Path.Combine(dir, "after.duckdb");
        IReadOnlyDictionary<string, double> stages;
        if (File.Exists(baseDb)) File.Delete(baseDb);
        using (var db = new WarehouseDb(baseDb))
        {
            PopulationLoader.Load(db, populationCsv);
            Pipeline.Loader(db, new Pseudonymiser(Key)).Load(july);
            using var c = db.Open();
            c.Execute("CHECKPOINT");
        }
        Copy(baseDb, afterDb);
        using (var db = new WarehouseDb(afterDb))
        {
            var r = Pipeline.Loader(db, new Pseudonymiser(Key)).Load(august);
            stages = r.StageSeconds;
            Console.WriteLine(string.Create(Vi, $"reference load of {r.SnapshotId} in process: {r.Seconds:N1} s ({r.Persons:N0} records, {r.Encounters:N0} encounters)"));
        }
        var before = Fingerprint(baseDb);
        var after = Fingerprint(afterDb);
        // A second reference load must give the same fingerprint, or the comparison would prove nothing.
        var check = Path.Combine(dir, "after-check.duckdb");
        Copy(baseDb, check);
        using (var db = new WarehouseDb(check)) Pipeline.Loader(db, new Pseudonymiser(Key)).Load(august);
        var drift = WarehouseFingerprint.Differences(after, Fingerprint(check));
        if (drift.Count > 0) { Console.WriteLine("two equal loads differ: " + string.Join("; ", drift)); return 1; }
        Console.WriteLine($"fingerprints: {before.Count} tables; before ≠ after in {WarehouseFingerprint.Differences(before, after).Count} tables");

        // Phase windows (seconds after the CLI's first progress line) from the reference load's stage times.
        var phases = Phases(stages);
        var startup = await MeasureStartupAsync(api, baseDb, dir);
        Console.WriteLine($"CLI start → first progress line: {startup:0.00} s; phases: " +
                          string.Join(", ", phases.Select(p => $"{p.Name} {p.Start:0.00}–{p.End:0.00} s")));

        var load = new Kind("snapshot load");
        var loadTrials = trials ?? (quick ? 10 : 100);
        var others = Math.Max(3, loadTrials / 10);
        // The child process runs slower than the in-process reference (JIT, other work on the machine): phase windows are
        // scaled by the measured ratio, updated after every complete load of August by a child.
        var scale = 1.5;
        var inProcess = stages.Values.Sum();
        for (var i = 0; i < loadTrials; i++)
        {
            var phase = phases[i % phases.Count];
            var delay = scale * (phase.Start + rng.NextDouble() * (phase.End - phase.Start));
            load.Targets[phase.Name] = load.Targets.GetValueOrDefault(phase.Name) + 1;
            var db = Path.Combine(dir, $"trial-{i:D3}.duckdb");
            Copy(baseDb, db);
            await Trial(load, $"{i}: {phase.Name} +{delay:0.00}s", async () =>
            {
                var killed = await KillAfterFirstLineAsync(api, ["load", august, "--db", db], delay);
                var state = Compare(db, before, after, load);
                // The next load succeeds: August again when the killed load did not commit (then the warehouse must equal
                // "after"), else the next month.
                var watch = Stopwatch.StartNew();
                var (code, output) = await RunAsync(api, ["load", state == "before" ? august : october, "--db", db]);
                if (code != 0) throw new TrialFailed($"next load exit {code}: {output}");
                if (state == "before")
                {
                    scale = Math.Clamp((watch.Elapsed.TotalSeconds - startup) / inProcess, 0.8, 5);
                    if (WarehouseFingerprint.Differences(after, Fingerprint(db)) is { Count: > 0 } d)
                        throw new TrialFailed("after the next load: " + string.Join("; ", d.Take(3)));
                }
                else
                {
                    using var w = new WarehouseDb(db);
                    using var c = w.Open();
                    if (c.ExecuteScalar<long>("SELECT count(*) FROM fact_snapshot") != 3) throw new TrialFailed("next load did not leave three snapshots");
                }
                return $"{(killed ? "killed" : "finished before the kill")}, state {state}";
            });
            Delete(db);
        }

        // Population load (denominators doubled): before or after.
        var population = new Kind("population load");
        var popAfterDb = Path.Combine(dir, "population-after.duckdb");
        Copy(baseDb, popAfterDb);
        var popWatch = Stopwatch.StartNew();
        using (var db = new WarehouseDb(popAfterDb)) PopulationLoader.Load(db, populationChanged);
        var popSeconds = popWatch.Elapsed.TotalSeconds;
        var popAfter = Fingerprint(popAfterDb, "wh_meta"); // wh_meta: population_loaded_at is a time
        var beforeNoMeta = Fingerprint(baseDb, "wh_meta");
        for (var i = 0; i < others; i++)
        {
            var db = Path.Combine(dir, $"population-{i:D2}.duckdb");
            Copy(baseDb, db);
            var delay = startup * 0.5 + rng.NextDouble() * (startup * 0.5 + popSeconds * 2);
            population.Targets["start + load"] = population.Targets.GetValueOrDefault("start + load") + 1;
            await Trial(population, $"population {i} +{delay:0.00}s", async () =>
            {
                var killed = await KillAtAsync(api, ["population", populationChanged, "--db", db], delay);
                var state = Compare(db, beforeNoMeta, popAfter, population, skip: "wh_meta");
                var (code, output) = await RunAsync(api, ["population", populationChanged, "--db", db]);
                if (code != 0) throw new TrialFailed($"next population load exit {code}: {output}");
                if (WarehouseFingerprint.Differences(popAfter, Fingerprint(db, "wh_meta")) is { Count: > 0 } d)
                    throw new TrialFailed("after the next population load: " + string.Join("; ", d));
                return $"{(killed ? "killed" : "finished before the kill")}, state {state}";
            });
            Delete(db);
        }

        // Risk-model training at server start (needs two snapshots: the "after" warehouse).
        var training = new Kind("model training (serve)");
        var trainDb = Path.Combine(dir, "train-reference.duckdb");
        Copy(afterDb, trainDb);
        var trainWatch = Stopwatch.StartNew();
        using (var db = new WarehouseDb(trainDb))
            if (new RiskModels(db).Refresh() is null) throw new InvalidOperationException("no model trained on two snapshots");
        var trainSeconds = trainWatch.Elapsed.TotalSeconds;
        var trained = Fingerprint(trainDb);
        Console.WriteLine($"reference training + scoring in process: {trainSeconds:0.0} s");
        for (var i = 0; i < others; i++)
        {
            var db = Path.Combine(dir, $"train-{i:D2}.duckdb");
            Copy(afterDb, db);
            var delay = startup + rng.NextDouble() * trainSeconds * 1.5;
            training.Targets["server start + training"] = training.Targets.GetValueOrDefault("server start + training") + 1;
            await Trial(training, $"serve {i} +{delay:0.00}s", async () =>
            {
                var killed = await KillAtAsync(api, ["serve", "--db", db, "--urls", $"http://127.0.0.1:{FreePort()}"], delay, untilExit: false);
                var state = Compare(db, after, trained, training, allowedOnlyIn: t => t.StartsWith("ncd_", StringComparison.Ordinal));
                using (var w = new WarehouseDb(db))
                    if (new RiskModels(w).Refresh() is null) throw new TrialFailed("training after the kill gave no model");
                return $"{(killed ? "killed" : "exited")}, state {state}";
            });
            Delete(db);
        }

        // E-mail send: send-now to a local sink, killed mid-send.
        var mail = new Kind("e-mail send");
        using (var sink = new SmtpSink())
        {
            var mailBase = Path.Combine(dir, "mail-base.duckdb");
            Copy(afterDb, mailBase);
            var (code, output) = Cli(["subscriptions", "add", "--db", mailBase, "--address", "so-y-te@example.vn", "--name", "Sở Y tế",
                "--role", "leadership", "--scope", Province, "--unit", Province, "--kind", "monthly_appendix"]);
            if (code != 0) throw new InvalidOperationException("subscriptions add: " + output);
            var id = SubscriptionId(mailBase);
            var sendArgs = (string db) => new[] { "send-now", "--db", db, "--subscription", id.ToString(CultureInfo.InvariantCulture), "--smtp-host", "127.0.0.1", "--smtp-port", sink.Port.ToString(CultureInfo.InvariantCulture) };
            var sendCheck = Path.Combine(dir, "mail-reference.duckdb");
            Copy(mailBase, sendCheck);
            var sendWatch = Stopwatch.StartNew();
            var reference = await RunAsync(api, sendArgs(sendCheck));
            var sendSeconds = sendWatch.Elapsed.TotalSeconds;
            if (reference.Code != 0) throw new InvalidOperationException("reference send-now: " + reference.Output);
            Console.WriteLine($"reference send-now (child process): {sendSeconds:0.0} s, {sink.Received} message(s) at the sink");
            var mailBefore = Fingerprint(mailBase);
            for (var i = 0; i < others; i++)
            {
                var db = Path.Combine(dir, $"mail-{i:D2}.duckdb");
                Copy(mailBase, db);
                var delay = rng.NextDouble() * sendSeconds;
                mail.Targets["start + build + SMTP"] = mail.Targets.GetValueOrDefault("start + build + SMTP") + 1;
                await Trial(mail, $"send {i} +{delay:0.00}s", async () =>
                {
                    var received = sink.Received;
                    var killed = await KillAtAsync(api, sendArgs(db), delay);
                    var log = MailLog(db);
                    if (WarehouseFingerprint.Differences(mailBefore, Fingerprint(db)).Any(d => !d.StartsWith("mail_send", StringComparison.Ordinal)))
                        throw new TrialFailed("a table other than the send log changed");
                    if (log.Count > 1 || log.Any(r => r.Status is not ("sending" or "sent")))
                        throw new TrialFailed("send log: " + string.Join(", ", log.Select(r => r.Status)));
                    if (log.Any(r => r.Status == "sent") && sink.Received == received) throw new TrialFailed("logged as sent, never received");
                    var again = await RunAsync(api, sendArgs(db));
                    if (again.Code != 0) throw new TrialFailed($"next send-now exit {again.Code}: {again.Output}");
                    if (MailLog(db).Count(r => r.Status == "sent") < 1 || sink.Received <= received) throw new TrialFailed("next send not logged or not received");
                    (log.Count == 0 ? ref mail.Before : ref mail.After)++;
                    return $"{(killed ? "killed" : "finished")}, log {(log.Count == 0 ? "empty" : log[0].Status)}";
                });
                Delete(db);
            }
        }

        var disk = await DiskFullAsync(api, dir, baseDb, august, before);
        var backup = BackupRoundTrip(dir, afterDb, after);

        Console.WriteLine();
        Console.WriteLine("kind | trials | survived | before / after | kill at (targeted) | seconds per trial (median)");
        foreach (var k in new[] { load, population, training, mail })
            Console.WriteLine($"{k.Name} | {k.Run} | {k.Survived} | {k.Before} / {k.After} | {string.Join(", ", k.Targets.Select(t => $"{t.Key} {t.Value}"))} | {Median(k.Seconds):0.0}");
        Console.WriteLine($"disk full (tmpfs): {disk}");
        Console.WriteLine($"backup/restore: {backup}");
        foreach (var f in new[] { load, population, training, mail }.SelectMany(k => k.Failures)) Console.WriteLine("FAILED " + f);
        Console.WriteLine($"total {total.Elapsed.TotalMinutes:0.0} min; load average at end {LoadAverage()}");
        var failed = new[] { load, population, training, mail }.Sum(k => k.Run - k.Survived) + (disk.StartsWith("held", StringComparison.Ordinal) ? 0 : 1)
                     + (backup.StartsWith("held", StringComparison.Ordinal) ? 0 : 1);
        return failed == 0 ? 0 : 1;
    }

    sealed class TrialFailed(string message) : Exception(message);

    static async Task Trial(Kind kind, string label, Func<Task<string>> run)
    {
        kind.Run++;
        var sw = Stopwatch.StartNew();
        try
        {
            var what = await run();
            kind.Survived++;
            Console.WriteLine($"  {kind.Name} {label}: {what} ({sw.Elapsed.TotalSeconds:0.0} s)");
        }
        catch (Exception e) when (e is TrialFailed or DuckDBException or WarehouseBusyException or InvalidOperationException or IOException)
        {
            kind.Failures.Add($"{kind.Name} {label}: {e.GetType().Name}: {e.Message}");
            Console.WriteLine($"  {kind.Name} {label}: FAILED {e.Message}");
        }
        kind.Seconds.Add(sw.Elapsed.TotalSeconds);
    }

    /// <summary>Opens the warehouse as the CLI does, then returns "before" or "after" (or throws naming the tables).</summary>
    static string Compare(string db, IReadOnlyList<TableFingerprint> before, IReadOnlyList<TableFingerprint> after, Kind kind,
        Func<string, bool>? allowedOnlyIn = null, string? skip = null)
    {
        using (var w = new WarehouseDb(db)) { }
        var now = Fingerprint(db, skip);
        var toBefore = WarehouseFingerprint.Differences(before, now);
        var toAfter = WarehouseFingerprint.Differences(after, now);
        if (toBefore.Count == 0) { kind.Before++; return "before"; }
        if (toAfter.Count == 0) { kind.After++; return "after"; }
        // Training writes several model tables in one transaction each refresh: a half-trained model would show here.
        if (allowedOnlyIn is not null && toBefore.All(d => allowedOnlyIn(d)) && ModelConsistent(db)) { kind.Before++; return "before (model tables consistent)"; }
        throw new TrialFailed($"neither before ({string.Join("; ", toBefore.Take(3))}) nor after ({string.Join("; ", toAfter.Take(3))})");
    }

    static bool ModelConsistent(string db)
    {
        using var w = new WarehouseDb(db);
        return new RiskModels(w).Latest() is null || new RiskModels(w).Refresh() is not null;
    }

    static IReadOnlyList<TableFingerprint> Fingerprint(string db, string? skipTable = null)
    {
        using var c = new DuckDBConnection("Data Source=:memory:");
        c.Open();
        c.Execute($"ATTACH '{db}' AS f (READ_ONLY)");
        return WarehouseFingerprint.Of(c, "f", VolatileColumns).Where(t => t.Table != skipTable).ToList();
    }

    sealed record Phase(string Name, double Start, double End);

    /// <summary>checksums, staging, validation, each write step, the after-load steps and the commit, as windows in
    /// seconds after the first progress line (which the loader prints before the checksums).</summary>
    static List<Phase> Phases(IReadOnlyDictionary<string, double> stages)
    {
        var phases = new List<Phase>();
        var t = 0.0;
        void Add(string name, double seconds) { phases.Add(new Phase(name, t, t + Math.Max(seconds, 0.02))); t += seconds; }
        Add("checksums", stages["checksums"]);
        Add("staging", stages.Where(s => s.Key.StartsWith("stage ", StringComparison.Ordinal)).Sum(s => s.Value));
        Add("validation", stages["validate"]);
        foreach (var (name, seconds) in stages.Where(s => s.Key.StartsWith("commit ", StringComparison.Ordinal) || s.Key.StartsWith("after-load", StringComparison.Ordinal)))
            Add(name, seconds);
        Add("commit", stages["commit"] + 0.3);
        return phases;
    }

    static async Task<double> MeasureStartupAsync(string api, string baseDb, string dir)
    {
        var db = Path.Combine(dir, "startup.duckdb");
        Copy(baseDb, db);
        var sw = Stopwatch.StartNew();
        using var p = Start(api, ["snapshots", "--db", db]);
        await p.StandardOutput.ReadLineAsync();
        var seconds = sw.Elapsed.TotalSeconds;
        await p.WaitForExitAsync();
        Delete(db);
        return seconds;
    }

    /// <summary>Starts the CLI, waits for its first output line, then kills it after <paramref name="delay"/> seconds.
    /// Returns false when it had already exited.</summary>
    static async Task<bool> KillAfterFirstLineAsync(string api, string[] args, double delay)
    {
        using var p = Start(api, args);
        var first = await p.StandardOutput.ReadLineAsync();
        _ = p.StandardOutput.ReadToEndAsync();
        if (first is null) throw new TrialFailed("the CLI printed nothing: " + await p.StandardError.ReadToEndAsync());
        return await KillAsync(p, delay);
    }

    static async Task<bool> KillAtAsync(string api, string[] args, double delay, bool untilExit = true)
    {
        using var p = Start(api, args);
        _ = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        var killed = await KillAsync(p, delay);
        if (!killed && untilExit && p.ExitCode != 0) throw new TrialFailed($"exit code {p.ExitCode} without a kill");
        return killed;
    }

    static async Task<bool> KillAsync(Process p, double delay)
    {
        await Task.WhenAny(p.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(delay)));
        if (p.HasExited) return false;
        p.Kill(); // SIGKILL on Linux: no finally block, no DuckDB checkpoint
        await p.WaitForExitAsync();
        return true;
    }

    static Process Start(string api, string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(api);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment[Commands.KeyVariable] = Key;
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        return Process.Start(info)!;
    }

    static async Task<(int Code, string Output)> RunAsync(string api, string[] args)
    {
        using var p = Start(api, args);
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, (await output) + (await error));
    }

    static (int Code, string Output) Cli(string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        var code = Commands.Run(args, o, e);
        return (code, o + e.ToString());
    }

    static long SubscriptionId(string db)
    {
        using var w = new WarehouseDb(db);
        using var c = w.Open();
        return c.ExecuteScalar<long>("SELECT max(subscription_id) FROM mail_subscription");
    }

    sealed record SendRow(string Status, DateTime? FinishedAt);

    static List<SendRow> MailLog(string db)
    {
        using var w = new WarehouseDb(db);
        using var c = w.Open();
        return c.Query<SendRow>("SELECT status, finished_at FROM mail_send ORDER BY claimed_at").ToList();
    }

    /// <summary>A load into a warehouse on a tmpfs too small for it: one clear message, the warehouse as it was, and
    /// usable (a load into it on a larger disk succeeds). Needs root (mount); said so when not.</summary>
    static async Task<string> DiskFullAsync(string api, string dir, string baseDb, string snapshot, IReadOnlyList<TableFingerprint> before)
    {
        var mount = Path.Combine(dir, "tmpfs");
        Directory.CreateDirectory(mount);
        // Room for the warehouse and ~200 KB: the load's staging fits in memory, its commit does not fit on disk.
        var size = new FileInfo(baseDb).Length / 1024 + 200;
        var (m, mo) = await Shell("mount", "-t", "tmpfs", "-o", $"size={size}k", "tmpfs", mount);
        if (m != 0) return $"not run: mount failed ({mo.Trim()})";
        try
        {
            var db = Path.Combine(mount, "full.duckdb");
            File.Copy(baseDb, db);
            var (code, output) = await RunAsync(api, ["load", snapshot, "--db", db]);
            var message = output.Split('\n').LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";
            if (code == 0) return $"FAILED: the load succeeded on a {size} KB tmpfs";
            if (code == 3 || message.Contains("   at ", StringComparison.Ordinal) || !message.Contains("đĩa", StringComparison.Ordinal))
                return $"FAILED: exit {code}, message not clear: {message}";
            var differences = WarehouseFingerprint.Differences(before, Fingerprint(db));
            if (differences.Count > 0) return "FAILED: warehouse changed: " + string.Join("; ", differences.Take(3));
            var moved = Path.Combine(dir, "full-moved.duckdb");
            Copy(db, moved);
            var next = await RunAsync(api, ["load", snapshot, "--db", moved]);
            Delete(moved);
            return next.Code == 0
                ? $"held: {size} KB tmpfs, exit {code}, message «{message}»; warehouse equal to before; loads on a larger disk"
                : $"FAILED: next load exit {next.Code}: {next.Output}";
        }
        finally
        {
            await Shell("umount", mount);
        }
    }

    static string BackupRoundTrip(string dir, string source, IReadOnlyList<TableFingerprint> expected)
    {
        var folder = Path.Combine(dir, "backup-" + DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture));
        var restored = Path.Combine(dir, "restored.duckdb");
        Delete(restored);
        var sw = Stopwatch.StartNew();
        var (code, output) = Cli(["backup", "--db", source, "--out", folder]);
        var backupSeconds = sw.Elapsed.TotalSeconds;
        if (code != 0) return "FAILED backup: " + output;
        sw.Restart();
        (code, output) = Cli(["restore", "--from", folder, "--db", restored]);
        if (code != 0) return "FAILED restore: " + output;
        var differences = WarehouseFingerprint.Differences(expected, Fingerprint(restored));
        Directory.Delete(folder, true);
        return differences.Count == 0
            ? string.Create(Vi, $"held: backup {backupSeconds:N1} s, restore {sw.Elapsed.TotalSeconds:N1} s, every table equal")
            : "FAILED: " + string.Join("; ", differences);
    }

    static async Task<(int, string)> Shell(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var text = await p.StandardOutput.ReadToEndAsync() + await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, text);
    }

    static void WriteDoubledPopulation(string from, string to)
    {
        var lines = File.ReadAllLines(from);
        var header = lines[0].Split(',');
        var pop = Array.IndexOf(header, "population");
        var perm = Array.IndexOf(header, "permanent_population");
        using var w = new StreamWriter(to, false, new UTF8Encoding(false));
        w.WriteLine(lines[0]);
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split(',');
            foreach (var i in new[] { pop, perm }.Where(i => i >= 0 && f[i].Length > 0))
                f[i] = (long.Parse(f[i], CultureInfo.InvariantCulture) * 2).ToString(CultureInfo.InvariantCulture);
            w.WriteLine(string.Join(',', f));
        }
    }

    static void Copy(string from, string to)
    {
        Delete(to);
        File.Copy(from, to);
    }

    static void Delete(string db)
    {
        File.Delete(db);
        File.Delete(db + ".wal");
    }

    static double Median(List<double> xs) => xs.Count == 0 ? 0 : xs.Order().ElementAt(xs.Count / 2);

    static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>The api project's built CLI (Release beside this bench, else Debug).</summary>
    static string ApiDll()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HoSoSucKhoe.sln"))) dir = dir.Parent;
        var root = dir?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
        foreach (var config in new[] { "Release", "Debug" })
        {
            var path = Path.Combine(root, "api", "bin", config, "net10.0", "HoSoSucKhoe.Api.dll");
            if (File.Exists(path)) return path;
        }
        throw new InvalidOperationException("build the api project first (dotnet build -c Release api)");
    }

    /// <summary>A minimal SMTP server on 127.0.0.1 that accepts every message and counts them.</summary>
    sealed class SmtpSink : IDisposable
    {
        readonly TcpListener listener = new(IPAddress.Loopback, 0);
        readonly CancellationTokenSource stop = new();
        int received;

        public int Port { get; }
        public int Received => Volatile.Read(ref received);

        public SmtpSink()
        {
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            _ = Task.Run(AcceptAsync);
        }

        async Task AcceptAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await listener.AcceptTcpClientAsync(stop.Token); }
                catch (OperationCanceledException) { return; }
                catch (SocketException) { return; }
                _ = Task.Run(() => SessionAsync(client));
            }
        }

        async Task SessionAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    var reader = new StreamReader(stream, Encoding.ASCII);
                    var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                    await writer.WriteLineAsync("220 localhost ESMTP sink");
                    while (await reader.ReadLineAsync() is { } line)
                    {
                        var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                        switch (verb)
                        {
                            case "EHLO": await writer.WriteAsync("250-localhost\r\n250 8BITMIME\r\n"); break;
                            case "DATA":
                                await writer.WriteLineAsync("354 end with .");
                                while (await reader.ReadLineAsync() is { } data && data != ".") { }
                                Interlocked.Increment(ref received);
                                await writer.WriteLineAsync("250 queued");
                                break;
                            case "QUIT": await writer.WriteLineAsync("221 bye"); return;
                            default: await writer.WriteLineAsync("250 ok"); break;
                        }
                    }
                }
                catch (IOException) { }
            }
        }

        public void Dispose()
        {
            stop.Cancel();
            listener.Stop();
        }
    }
}
