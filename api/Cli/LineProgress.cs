using System.Globalization;
using HoSoSucKhoe.Warehouse;

namespace HoSoSucKhoe.Api.Cli;

/// <summary>
/// The progress writer of the command line and the demo. In a terminal: one line redrawn in place (carriage return)
/// with a bar, the share done and the time left. In a log (output redirected, or any other writer): a line at most
/// every <see cref="LogInterval"/>, and the last message when the job ends (<see cref="Dispose"/>), so that a first
/// run writes a few dozen lines instead of one per thousand records. Reports are written on the reporting thread, in
/// order (<see cref="Progress{T}"/> posts them to the thread pool, out of order).
/// </summary>
sealed class LineProgress : IProgress<ProgressUpdate>, IDisposable
{
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(5);
    static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(200);
    static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");
    const int BarWidth = 20;

    readonly TextWriter output;
    readonly bool terminal;
    readonly TimeProvider time;
    readonly int width;
    long? written;              // when the last line was written or drawn
    ProgressUpdate? pending;    // the latest report not shown yet
    (long At, double Fraction)? origin;   // the first report with a fraction: the time left is measured from it
    double? fraction;
    int drawn;                  // length of the line drawn in the terminal, to clear it

    /// <summary>A terminal when <paramref name="output"/> is the console and the console is not redirected.</summary>
    public LineProgress(TextWriter output)
        : this(output, ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected, TimeProvider.System) { }

    internal LineProgress(TextWriter output, bool terminal, TimeProvider time, int? width = null)
    {
        this.output = output;
        this.terminal = terminal;
        this.time = time;
        this.width = Math.Max(20, width ?? (terminal ? ConsoleWidth() : 0));
    }

    public void Report(ProgressUpdate value)
    {
        lock (output)
        {
            var now = time.GetTimestamp();
            if (value.Fraction is { } f)
            {
                fraction = Math.Clamp(f, 0, 1);
                origin ??= (now, fraction.Value);
            }
            var interval = terminal ? RedrawInterval : LogInterval;
            // The job's last report (all done) is shown at once; others wait for the interval.
            if (written is { } last && time.GetElapsedTime(last, now) < interval && value.Fraction is not >= 1) { pending = value; return; }
            Show(value, now);
        }
    }

    /// <summary>Shows the last message if it was held back, and ends the terminal line.</summary>
    public void Dispose()
    {
        lock (output)
        {
            if (pending is { } p) Show(p, time.GetTimestamp());
            if (terminal && drawn > 0) output.WriteLine();
            drawn = 0;
        }
    }

    void Show(ProgressUpdate value, long now)
    {
        pending = null;
        written = now;
        if (!terminal)
        {
            output.WriteLine(fraction is null or >= 1 ? value.Text : $"{value.Text} ({Status(now)})");
            return;
        }
        var line = fraction is null ? value.Text : $"{Bar()} {Status(now)} · {value.Text}";
        if (line.Length > width - 1) line = line[..(width - 2)] + "…";
        output.Write("\r" + line.PadRight(Math.Max(drawn, line.Length)));
        drawn = line.Length;
        output.Flush();
    }

    string Bar()
    {
        var full = (int)Math.Round(fraction!.Value * BarWidth);
        return "[" + new string('█', full) + new string('░', BarWidth - full) + "]";
    }

    /// <summary>"45%, còn khoảng 1 phút 20 giây", once the time left can be estimated.</summary>
    string Status(long now)
    {
        var share = fraction!.Value.ToString("P0", Vi);
        if (origin is not { } o || fraction >= 1) return share;
        var done = fraction.Value - o.Fraction;
        var elapsed = time.GetElapsedTime(o.At, now);
        if (done < 0.01 || elapsed < TimeSpan.FromSeconds(2)) return share;
        var left = TimeSpan.FromSeconds(elapsed.TotalSeconds * (1 - fraction.Value) / done);
        return $"{share}, còn khoảng {Duration(left)}";
    }

    internal static string Duration(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours} giờ {t.Minutes:00} phút"
        : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes} phút {t.Seconds:00} giây"
        : $"{Math.Max(1, (int)Math.Ceiling(t.TotalSeconds))} giây";

    static int ConsoleWidth()
    {
        try { return Console.WindowWidth > 0 ? Console.WindowWidth : 80; }
        catch (IOException) { return 80; }
    }
}
