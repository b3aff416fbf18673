using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Warehouse;
using Microsoft.Extensions.Time.Testing;

namespace HoSoSucKhoe.Tests.Cli;

/// <summary>The progress writer under a fake clock: a job of 450 reports, one every 0.2 s (90 s in all).</summary>
public sealed class LineProgressTests
{
    static void Job(LineProgress progress, FakeTimeProvider clock)
    {
        progress.Report(new ProgressUpdate("Đã mô phỏng 1.000 người.", 0));
        for (var i = 1; i <= 450; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(0.2));
            progress.Report(new ProgressUpdate($"Đang tạo: {i * 1000:N0} hồ sơ", i / 451.0));
        }
        clock.Advance(TimeSpan.FromSeconds(0.2));
        progress.Report(new ProgressUpdate("  đọc persons.arrow…"));   // held back: the last message, shown at the end
    }

    [Fact]
    public void RedirectedOutputGetsALineEveryFiveSecondsAtMostAndTheLastOne()
    {
        var clock = new FakeTimeProvider();
        var output = new StringWriter();
        using (var progress = new LineProgress(output, terminal: false, clock)) Job(progress, clock);

        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(lines.Length, 15, 20);   // 90 s / 5 s, the first and the last
        Assert.Equal("Đã mô phỏng 1.000 người. (0%)", lines[0]);
        Assert.StartsWith("  đọc persons.arrow… (100%", lines[^1]);
        Assert.DoesNotContain('\r', output.ToString());
        Assert.Matches(@"^Đang tạo: [\d.,]+ hồ sơ \(\d{1,2}%, còn khoảng (\d+ phút \d\d giây|\d+ giây)\)$", lines[5]);
    }

    [Fact]
    public void TheJobsLastReportIsWrittenAtOnceAndPlain()
    {
        var clock = new FakeTimeProvider();
        var output = new StringWriter();
        using (var progress = new LineProgress(output, terminal: false, clock))
        {
            progress.Report(new ProgressUpdate("Bắt đầu", 0));
            clock.Advance(TimeSpan.FromSeconds(1));
            progress.Report(new ProgressUpdate("Xong: 10 ảnh chụp", 1));
            Assert.Equal(["Bắt đầu (0%)", "Xong: 10 ảnh chụp"], output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        }
    }

    [Fact]
    public void TerminalGetsOneLineRedrawnWithABarAndTheTimeLeft()
    {
        var clock = new FakeTimeProvider();
        var output = new StringWriter();
        using (var progress = new LineProgress(output, terminal: true, clock, width: 100))
        {
            Job(progress, clock);
            Assert.DoesNotContain('\n', output.ToString());
        }
        var text = output.ToString();
        Assert.EndsWith(Environment.NewLine, text);
        var frames = text.TrimEnd().Split('\r', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(frames.Length, 300, 452);   // one redraw per 0.2 s at most
        Assert.All(frames, f => Assert.True(f.Length < 100, f));
        Assert.Contains(frames, f => f.StartsWith("[██████████░░░░░░░░░░] 50%, còn khoảng 45 giây · Đang tạo:", StringComparison.Ordinal));
    }

    [Fact]
    public void TimeLeftReadsInVietnamese()
    {
        Assert.Equal("1 giờ 05 phút", LineProgress.Duration(TimeSpan.FromMinutes(65)));
        Assert.Equal("2 phút 07 giây", LineProgress.Duration(TimeSpan.FromSeconds(127)));
        Assert.Equal("9 giây", LineProgress.Duration(TimeSpan.FromSeconds(8.2)));
    }

    [Fact]
    public void GenerateIntoALogWritesAFewLinesNotOnePerBatchOfRecords()
    {
        var dir = Directory.CreateTempSubdirectory("hssk-progress-").FullName;
        try
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var code = Commands.Run(["generate", "--province", "20", "--scale", "0.002", "--from", "2025-06", "--to", "2025-07", "--out", "out"],
                output, error, dir);
            Assert.True(code == 0, error.ToString());
            var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
            // Two snapshots of ~60 communes were ~30 lines (one per batch of communes); now the first, one per 5 s, the last.
            Assert.InRange(lines.Length, 2, 8);
            Assert.StartsWith($"Đã tạo 2 ảnh chụp trong {Path.Combine(dir, "out")}", lines[^1]);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
