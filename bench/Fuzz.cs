using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace HoSoSucKhoe.Bench;

/// <summary>
/// Issue 14 §2: mutation fuzzing of manifests, Arrow files, population CSVs and XML 130 envelopes.
/// <c>fuzz [--dir d] [--quick] [--seed n] [--cases n] [--formats manifest,arrow,csv,xml] [--timeout s]</c>.
/// The cases of a format run in a child process (<c>fuzz --worker …</c>) that reports the start and the outcome of
/// each case on standard output, so a native crash (the process dies) or a hang (no outcome within the timeout) is
/// seen, recorded against its case, and the child restarted after it. Each case is a pure function of (seed, format,
/// index). Exit code 1 if any case crashed, hung, loaded partially, loaded wrongly or was refused without a clear message.
/// </summary>
public static class Fuzz
{
    public static readonly string[] Formats = ["manifest", "arrow", "csv", "xml"];

    public static async Task<int> RunAsync(string[] args)
    {
        string Opt(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var dir = Path.GetFullPath(Opt("--dir", Path.Combine(Path.GetTempPath(), "hssk-fuzz")));
        var seed = int.Parse(Opt("--seed", "20251202"), CultureInfo.InvariantCulture);
        if (args.Contains("--worker"))
            return FuzzWorker.Run(Opt("--worker", "manifest"), seed, int.Parse(Opt("--from", "0"), CultureInfo.InvariantCulture),
                int.Parse(Opt("--to", "0"), CultureInfo.InvariantCulture), dir);
        var cases = int.Parse(Opt("--cases", args.Contains("--quick") ? "1000" : "10000"), CultureInfo.InvariantCulture);
        var formats = Opt("--formats", string.Join(',', Formats)).Split(',');
        var timeout = TimeSpan.FromSeconds(double.Parse(Opt("--timeout", "10"), CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        Console.WriteLine($"fuzz: seed {seed}, {cases:N0} cases per format, per-case timeout {timeout.TotalSeconds:0} s, folder {dir}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores; load average {LoadAverage()}");
        var results = new List<FormatResult>();
        foreach (var format in formats)
        {
            var r = await RunFormatAsync(format, seed, cases, Path.Combine(dir, format), timeout);
            results.Add(r);
            Console.WriteLine($"  {format}: {r.Cases:N0} cases in {r.Seconds:0.0} s ({r.Cases / r.Seconds:0.0} cases/s); load average {LoadAverage()}");
        }
        Print(results, seed);
        return results.All(r => r.Failures == 0) ? 0 : 1;
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    sealed class FormatResult(string format)
    {
        public string Format { get; } = format;
        public int Cases, Refused, Loaded, Crashes, Hangs, Partial, Wrong, Unclear;
        public double Seconds;
        public Dictionary<string, int> Messages { get; } = [];
        public List<string> Failed { get; } = [];
        public int Failures => Crashes + Hangs + Partial + Wrong + Unclear;
    }

    static async Task<FormatResult> RunFormatAsync(string format, int seed, int cases, string dir, TimeSpan timeout)
    {
        var result = new FormatResult(format);
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(dir);
        var next = 0;
        var lastReport = Stopwatch.StartNew();
        while (next < cases)
        {
            var self = typeof(Fuzz).Assembly.Location;
            var psi = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                StandardOutputEncoding = Encoding.UTF8,
            };
            foreach (var a in new[] { self, "fuzz", "--worker", format, "--seed", seed.ToString(CultureInfo.InvariantCulture),
                         "--from", next.ToString(CultureInfo.InvariantCulture), "--to", cases.ToString(CultureInfo.InvariantCulture), "--dir", dir })
                psi.ArgumentList.Add(a);
            using var child = Process.Start(psi)!;
            var stderr = new StringBuilder();
            child.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) if (stderr.Length < 20_000) stderr.AppendLine(e.Data); };
            child.BeginErrorReadLine();
            int? running = null;
            var exited = false;
            while (true)
            {
                // A hang is a case that has used more than the timeout in CPU time, or ten times the timeout in wall time
                // (on a shared, overloaded machine a case can wait for the CPU far longer than it runs).
                var readLine = child.StandardOutput.ReadLineAsync();
                var wall = Stopwatch.StartNew();
                var cpu = child.TotalProcessorTime;
                var hung = false;
                while (!readLine.IsCompleted)
                {
                    await Task.WhenAny(readLine, Task.Delay(TimeSpan.FromSeconds(1)));
                    if (readLine.IsCompleted) break;
                    var limit = running is null ? TimeSpan.FromMinutes(10) : timeout;
                    TimeSpan used;
                    try { used = child.TotalProcessorTime - cpu; } catch (InvalidOperationException) { break; }
                    if (used > limit || wall.Elapsed > limit * 10) { hung = true; break; }
                }
                if (hung)
                {
                    // A hang: no outcome in time. Stop the child (ours) and go on after the case.
                    try { child.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                    await child.WaitForExitAsync();
                    if (running is { } h)
                    {
                        result.Cases++; result.Hangs++;
                        result.Failed.Add($"case {h}: hang (more than {timeout.TotalSeconds:0} s of CPU or {timeout.TotalSeconds * 10:0} s of wall time)");
                        Console.WriteLine($"    {format} FAILED {result.Failed[^1]}");
                        next = h + 1;
                    }
                    else throw new InvalidOperationException($"fuzz worker {format} did not start: {stderr}");
                    break;
                }
                var line = await readLine;
                if (line is null) { exited = true; break; }
                if (line.StartsWith("@@B ", StringComparison.Ordinal)) { running = int.Parse(line[4..], CultureInfo.InvariantCulture); continue; }
                if (!line.StartsWith("@@E ", StringComparison.Ordinal)) continue;
                var parts = line[4..].Split('\t');
                var index = int.Parse(parts[0], CultureInfo.InvariantCulture);
                var outcome = parts[1];
                var mutation = Decode(parts[2]);
                var message = Decode(parts[3]);
                result.Cases++;
                switch (outcome)
                {
                    case "refused":
                        result.Refused++;
                        var key = Normalise(message);
                        result.Messages[key] = result.Messages.GetValueOrDefault(key) + 1;
                        break;
                    case "loaded": result.Loaded++; break;
                    case "crash": result.Crashes++; break;
                    case "partial": result.Partial++; break;
                    case "wrong": result.Wrong++; break;
                    default: result.Unclear++; break;
                }
                if (outcome is not ("refused" or "loaded"))
                {
                    result.Failed.Add($"case {index} [{mutation}]: {outcome}: {Short(message)}");
                    Console.WriteLine($"    {format} FAILED {result.Failed[^1]}");
                }
                running = null;
                next = index + 1;
                if (lastReport.Elapsed.TotalSeconds >= 30)
                {
                    Console.WriteLine($"    {format}: {result.Cases:N0}/{cases:N0} ({result.Failures} failed)");
                    lastReport.Restart();
                }
            }
            if (exited)
            {
                await child.WaitForExitAsync();
                if (running is { } c)
                {
                    // The process died inside a case: a native crash (or an unhandled exception on another thread).
                    result.Cases++; result.Crashes++;
                    string err;
                    lock (stderr) err = stderr.ToString();
                    result.Failed.Add($"case {c}: process died (exit {child.ExitCode}): {Short(err)}");
                    Console.WriteLine($"    {format} FAILED {result.Failed[^1]}");
                    next = c + 1;
                }
                else if (next < cases)
                {
                    string err;
                    lock (stderr) err = stderr.ToString();
                    throw new InvalidOperationException($"fuzz worker {format} stopped at case {next} (exit {child.ExitCode}): {err}");
                }
            }
        }
        result.Seconds = clock.Elapsed.TotalSeconds;
        return result;
    }

    static void Print(List<FormatResult> results, int seed)
    {
        Console.WriteLine();
        Console.WriteLine($"seed {seed}; load average {LoadAverage()}");
        Console.WriteLine("| format | cases | refused | loaded | crashes | hangs | partial loads | wrong loads | unclear messages | distinct messages | time | cases/s |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Format} | {r.Cases:N0} | {r.Refused:N0} | {r.Loaded:N0} | {r.Crashes} | {r.Hangs} | {r.Partial} | {r.Wrong} | {r.Unclear} | {r.Messages.Count} | {r.Seconds:0} s | {r.Cases / r.Seconds:0.0} |"));
        foreach (var r in results)
        {
            Console.WriteLine($"\n{r.Format}: top messages");
            foreach (var (m, n) in r.Messages.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(5))
                Console.WriteLine($"  {n,6:N0}  {m}");
            if (r.Failed.Count > 0)
            {
                Console.WriteLine($"{r.Format}: {r.Failed.Count} failed cases (first 30)");
                foreach (var f in r.Failed.Take(30)) Console.WriteLine("  " + f);
            }
        }
    }

    /// <summary>One line per message kind: numbers, quoted values and the English detail replaced.</summary>
    static string Normalise(string message)
    {
        var m = FuzzChecks.VietnamesePart(message);
        m = Regex.Replace(m, "'[^']*'", "'…'");
        m = Regex.Replace(m, @"\d[\d.,]*", "N");
        return Short(m, 140);
    }

    static string Short(string s, int n = 300)
    {
        s = s.Replace('\n', ' ').Replace('\r', ' ');
        return s.Length <= n ? s : s[..n] + "…";
    }

    public static string Encode(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));
    static string Decode(string s) => Encoding.UTF8.GetString(Convert.FromBase64String(s));
}
