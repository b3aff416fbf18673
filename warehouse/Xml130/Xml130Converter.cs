using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Warehouse.Xml130;

/// <summary>What to convert: GIAMDINHHS files or folders of them, the registry snapshot, the output folder.</summary>
public sealed record Xml130Options(IReadOnlyList<string> Inputs, string PersonsDir, string OutDir, DateOnly? AsOf = null,
    double MaxRejectShare = 0.01);

/// <summary>
/// The xml130 verb (docs/xml130.md): reads the envelopes in order of NGAYLAP then path, one HOSO at a time; rejects or
/// spools each episode; keeps the last sending of every encounter id; then matches those and writes a full hssk-snapshot/1
/// folder (the --persons records, their earlier history, the converted episodes, the unrecorded visitors) into a
/// hidden folder beside --out and renames it into place only when everything succeeded.
/// </summary>
public static class Xml130Converter
{
    static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");
    const int ChunkSize = 256;
    static readonly ParallelOptions Parallelism = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    public static Xml130Report Convert(Xml130Options o, IProgress<ProgressUpdate>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var manifest = Manifest.Read(o.PersonsDir);
        var asOf = o.AsOf ?? manifest.AsOf;
        if (manifest.AdminCodes == ReferenceData.System2025 && asOf < ReferenceData.ReformDate)
            throw new ArgumentException($"Tham số --as-of: ngày {asOf:dd/MM/yyyy} trước 01/07/2025 nhưng ảnh chụp --persons dùng hệ mã 2025.");
        var outDir = Path.GetFullPath(o.OutDir);
        var reportPath = outDir.TrimEnd(Path.DirectorySeparatorChar) + Xml130Report.Suffix;
        var snapshotId = $"{manifest.ProvinceCode}-{asOf:yyyy-MM-dd}-xml130";
        var report = new Xml130Report { AsOf = asOf, SnapshotId = snapshotId, MaxRejectShare = o.MaxRejectShare };

        var files = Expand(o.Inputs)
            .Select(f => (Path: f, Header: EnvelopeReader.Header(f)))
            .OrderBy(f => f.Header.Created ?? "", StringComparer.Ordinal).ThenBy(f => f.Path, StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0) throw new ArgumentException("Lệnh xml130: không tìm thấy tệp .xml nào trong các đường dẫn đã cho.");
        report.Files = files.Count;

        var parent = Path.GetDirectoryName(outDir)!;
        Directory.CreateDirectory(parent);
        var work = Path.Combine(parent, $".{Path.GetFileName(outDir)}.partial-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        var spoolPath = Path.Combine(work, "episodes.spool");
        var lastSecond = Xml130Dates.Seconds(asOf, 23, 59) + 59;
        // Reading the XML needs neither the person index nor the history: both are prepared on other threads meanwhile
        // (docs/xml130.md, "Reading"), and episodes are matched when the spool is read back.
        using var cancel = new CancellationTokenSource();
        var index = Background(() =>
        {
            var persons = PersonIndex.Read(Path.Combine(o.PersonsDir, SnapshotContract.Persons.Name));
            var residence = new Residence(ReferenceData.Load(), manifest.AdminCodes);
            report.IndexSeconds = clock.Elapsed.TotalSeconds;
            return (persons, residence);
        });
        var encounterRows = manifest.Files.FirstOrDefault(f => f.Name == SnapshotContract.Encounters.Name)?.Rows ?? 0;
        var history = Background(() => HistoryCopy.Start(o.PersonsDir, work, encounterRows, cancel.Token));
        using var envelopes = new EnvelopeQueue(files, cancel.Token);
        try
        {
            var batch = new BatchState();
            var readStart = clock.Elapsed.TotalSeconds;
            using (var spool = new Spool(spoolPath))
            {
                var next = envelopes.Next;
                for (var f = 0; f < files.Count; f++)
                {
                    var (path, _) = files[f];
                    progress?.Report(new ProgressUpdate(string.Create(Vi, $"Đọc tệp {f + 1:N0}/{files.Count:N0}: {Path.GetFileName(path)}"), 0.9 * f / files.Count));
                    ReadFile(path, next, batch, spool, lastSecond, report);
                }
            }
            report.ReadSeconds = clock.Elapsed.TotalSeconds - readStart;
            report.Rejected = batch.Rejected;
            report.Episodes = batch.Episodes;
            report.RejectShare = batch.Episodes == 0 ? 0 : (double)batch.Rejected / batch.Episodes;
            report.Replaced = batch.Replaced;
            report.Kept = batch.Winner.Count;
            var (persons, residence) = index.GetAwaiter().GetResult();
            if (report.RejectShare > o.MaxRejectShare || report.Kept == 0)
            {
                SnapshotOutput.MatchWinners(spoolPath, batch, persons, residence, report, write: null);
                report.Failure = report.Kept == 0
                    ? "không có hồ sơ nào chuyển đổi được."
                    : string.Create(Vi, $"{report.Rejected:N0}/{report.Episodes:N0} hồ sơ ({report.RejectShare:P2}) bị loại, vượt ngưỡng --max-reject-share {o.MaxRejectShare:P2}.");
                throw Fail(report, reportPath, clock);
            }
            progress?.Report(new ProgressUpdate("Ghi ảnh chụp…", 0.9));
            var writeStart = clock.Elapsed.TotalSeconds;
            using (var copied = history.GetAwaiter().GetResult())
                SnapshotOutput.Write(work, spoolPath, copied, manifest, snapshotId, asOf, batch, persons, residence, report);
            File.Delete(spoolPath);
            report.WriteSeconds = clock.Elapsed.TotalSeconds - writeStart;
            if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
            Directory.Move(work, outDir);
            report.Succeeded = true;
            report.Snapshot = outDir;
            report.Seconds = clock.Elapsed.TotalSeconds;
            report.Write(reportPath);
            return report;
        }
        finally
        {
            // A failed conversion stops the copy and waits for both threads before the work folder goes.
            cancel.Cancel();
            try { Task.WaitAll(index, history, envelopes.Reader); } catch (AggregateException) { }
            if (history.IsCompletedSuccessfully) history.Result.Dispose();
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>A thread of its own (not the pool's, which the parser's Parallel.For needs).</summary>
    static Task<T> Background<T>(Func<T> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    static Xml130FailedException Fail(Xml130Report report, string reportPath, Stopwatch clock)
    {
        report.Seconds = clock.Elapsed.TotalSeconds;
        report.Write(reportPath);
        return new Xml130FailedException(
            $"Chuyển đổi XML 130 thất bại: {report.Failure} Không ghi gì vào thư mục --out. Danh sách hồ sơ bị loại: {reportPath}",
            report, reportPath);
    }

    static IEnumerable<string> Expand(IEnumerable<string> inputs)
    {
        foreach (var input in inputs)
        {
            if (File.Exists(input)) { yield return Path.GetFullPath(input); continue; }
            if (!Directory.Exists(input)) throw new ArgumentException($"Lệnh xml130: không có tệp hay thư mục '{input}'.");
            foreach (var f in Directory.EnumerateFiles(input, "*.xml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                yield return Path.GetFullPath(f);
        }
    }

    static void ReadFile(string path, Func<EnvelopeItem> next, BatchState batch, Spool spool, long lastSecond, Xml130Report report)
    {
        // A file counts only once it has been read to the end: a truncated or malformed envelope rejects all of its
        // episodes, so nothing it held replaces an earlier sending.
        var pending = new List<(string Id, int Seq)>();
        var rejects = new List<Xml130Reject>();
        var name = Path.GetFileName(path);
        var read = 0;
        var is4210 = false;
        var rows = new RowCounts();
        var chunk = new List<RawHoso>(ChunkSize);
        // HOSO are decoded and parsed in parallel a chunk at a time (bounded memory), then checked and spooled
        // one by one in file order, so sequence numbers, and with them the corrections rule, do not depend on threads.
        void Process(string? envelopeFacility)
        {
            var parsed = new object[chunk.Count];
            Parallel.For(0, chunk.Count, Parallelism, i =>
            {
                try { parsed[i] = EpisodeParser.Parse(chunk[i], envelopeFacility); }
                catch (EpisodeRejectedException x) { parsed[i] = x; }
            });
            for (var i = 0; i < chunk.Count; i++)
            {
                var hoso = chunk[i];
                if (parsed[i] is Episode { } e && e.VisitTime > lastSecond)
                    parsed[i] = new EpisodeRejectedException(e.MaLk, "NGAY_VAO",
                        $"thời điểm đến khám {Xml130Dates.DayOf(e.VisitTime):dd/MM/yyyy} sau ngày của ảnh chụp {Xml130Dates.DayOf(lastSecond):dd/MM/yyyy} (--as-of).");
                if (parsed[i] is EpisodeRejectedException x)
                {
                    rejects.Add(new Xml130Reject(name, hoso.Position, x.MaLk, x.Field, x.Message));
                    continue;
                }
                var episode = (Episode)parsed[i];
                is4210 |= episode.Format4210;
                rows.Add(episode.Rows);
                var seq = batch.NextSeq++;
                spool.Write(seq, episode);
                pending.Add((episode.EncounterId, seq));
            }
            chunk.Clear();
        }
        try
        {
            while (true)
            {
                var item = next();
                if (item.Hoso is { } hoso)
                {
                    read++;
                    chunk.Add(hoso);
                    if (chunk.Count == ChunkSize) Process(item.Facility);
                    continue;
                }
                // Also when the envelope breaks off: the episodes read before are parsed, so their own rejects are listed.
                if (chunk.Count > 0) Process(item.Facility);
                if (item.Failure is { } failure) throw failure;
                break;
            }
        }
        catch (EnvelopeException x)
        {
            report.FilesRejected++;
            report.Rejects.Add(new Xml130Reject(name, x.Position, null, "GIAMDINHHS", x.Message));
            report.Rejects.AddRange(rejects);
            batch.Episodes += Math.Max(read, 1);
            batch.Rejected += Math.Max(read, 1);
            return;
        }
        if (is4210) report.Files4210++;
        report.Rows.Add(rows);
        report.Rejects.AddRange(rejects);
        batch.Episodes += read;
        batch.Rejected += rejects.Count;
        foreach (var p in pending)
        {
            if (batch.Winner.ContainsKey(p.Id)) batch.Replaced++;
            batch.Winner[p.Id] = p.Seq;
        }
    }
}

/// <summary>The batch's episodes so far: the sequence number of the last sending of each encounter id wins.</summary>
internal sealed class BatchState
{
    public int NextSeq;
    public long Episodes, Rejected, Replaced;
    public Dictionary<string, int> Winner { get; } = new(StringComparer.Ordinal);
}

/// <summary>What the envelope reader thread hands over, in file order: a HOSO, or the end of a file (read to the end, or
/// broken off with <see cref="Failure"/>); <see cref="Facility"/> is the envelope's MACSKCB as read so far.</summary>
internal sealed record EnvelopeItem(RawHoso? Hoso, string? Facility, EnvelopeException? Failure);

/// <summary>
/// Reads the envelopes, file after file, on a thread of its own, a bounded number of HOSO ahead of the parser: the
/// envelope's XML (most of the bytes) is read while the previous HOSO are decoded and parsed.
/// </summary>
internal sealed class EnvelopeQueue : IDisposable
{
    readonly BlockingCollection<EnvelopeItem> _items = new(boundedCapacity: 1024);
    readonly CancellationToken _cancel;

    public Task Reader { get; }

    public EnvelopeQueue(IReadOnlyList<(string Path, EnvelopeHeader Header)> files, CancellationToken cancel)
    {
        _cancel = cancel;
        Reader = Task.Factory.StartNew(() =>
        {
            try
            {
                foreach (var (path, header) in files)
                {
                    var facility = header.Facility;
                    try
                    {
                        foreach (var hoso in EnvelopeReader.Read(path, f => facility = f.Length == 0 ? null : f))
                            _items.Add(new EnvelopeItem(hoso, facility, null), cancel);
                        _items.Add(new EnvelopeItem(null, facility, null), cancel);
                    }
                    catch (EnvelopeException x) { _items.Add(new EnvelopeItem(null, facility, x), cancel); }
                }
            }
            finally { _items.CompleteAdding(); }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The next item; rethrows what stopped the reader thread.</summary>
    public EnvelopeItem Next()
    {
        if (_items.TryTake(out var item, Timeout.Infinite, _cancel)) return item;
        Reader.GetAwaiter().GetResult();
        throw new InvalidOperationException("envelope reader ended early");
    }

    public void Dispose() => _items.Dispose();
}
