using System.Diagnostics;
using System.Globalization;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Warehouse.Xml130;

/// <summary>What to convert: GIAMDINHHS files or folders of them, the registry snapshot, the output folder.</summary>
public sealed record Xml130Options(IReadOnlyList<string> Inputs, string PersonsDir, string OutDir, DateOnly? AsOf = null,
    double MaxRejectShare = 0.01);

/// <summary>
/// The xml130 verb (docs/xml130.md): reads the envelopes in order of NGAYLAP then path, one HOSO at a time; rejects,
/// matches and spools each episode; keeps the last sending of every encounter id; then writes a full hssk-snapshot/1
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

        var persons = PersonIndex.Read(Path.Combine(o.PersonsDir, SnapshotContract.Persons.Name));
        var residence = new Residence(ReferenceData.Load(), manifest.AdminCodes);
        var lastSecond = Xml130Dates.Seconds(asOf, 23, 59) + 59;
        report.IndexSeconds = clock.Elapsed.TotalSeconds;

        var parent = Path.GetDirectoryName(outDir)!;
        Directory.CreateDirectory(parent);
        var work = Path.Combine(parent, $".{Path.GetFileName(outDir)}.partial-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            var batch = new BatchState();
            using (var spool = new Spool(Path.Combine(work, "episodes.spool")))
            {
                for (var f = 0; f < files.Count; f++)
                {
                    var (path, header) = files[f];
                    progress?.Report(new ProgressUpdate(string.Create(Vi, $"Đọc tệp {f + 1:N0}/{files.Count:N0}: {Path.GetFileName(path)}"), 0.9 * f / files.Count));
                    ReadFile(path, header, batch, spool, persons, residence, lastSecond, report);
                }
            }
            report.ReadSeconds = clock.Elapsed.TotalSeconds - report.IndexSeconds;
            report.Rejected = batch.Rejected;
            report.Episodes = batch.Episodes;
            report.RejectShare = batch.Episodes == 0 ? 0 : (double)batch.Rejected / batch.Episodes;
            report.Replaced = batch.Replaced;
            Summarise(batch, residence, report);
            if (report.RejectShare > o.MaxRejectShare || report.Kept == 0)
            {
                report.Failure = report.Kept == 0
                    ? "không có hồ sơ nào chuyển đổi được."
                    : string.Create(Vi, $"{report.Rejected:N0}/{report.Episodes:N0} hồ sơ ({report.RejectShare:P2}) bị loại, vượt ngưỡng --max-reject-share {o.MaxRejectShare:P2}.");
                throw Fail(report, reportPath, clock);
            }
            progress?.Report(new ProgressUpdate("Ghi ảnh chụp…", 0.9));
            SnapshotOutput.Write(work, o.PersonsDir, manifest, snapshotId, asOf, batch, persons, report);
            File.Delete(Path.Combine(work, "episodes.spool"));
            report.WriteSeconds = clock.Elapsed.TotalSeconds - report.IndexSeconds - report.ReadSeconds;
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
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

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

    static void ReadFile(string path, EnvelopeHeader header, BatchState batch, Spool spool, PersonIndex persons, Residence residence,
        long lastSecond, Xml130Report report)
    {
        // A file counts only once it has been read to the end: a truncated or malformed envelope rejects all of its
        // episodes, so nothing it held replaces an earlier sending.
        var pending = new List<(string Id, int Seq, MatchRule Rule, bool Ambiguous, (string? Ward, string Who)? Visitor)>();
        var rejects = new List<Xml130Reject>();
        var name = Path.GetFileName(path);
        var facility = header.Facility;
        var read = 0;
        var is4210 = false;
        var rows = new RowCounts();
        var chunk = new List<RawHoso>(ChunkSize);
        // HOSO are decoded and parsed in parallel a chunk at a time (bounded memory), then checked, matched and spooled
        // one by one in file order, so sequence numbers, and with them the corrections rule, do not depend on threads.
        void Process()
        {
            var parsed = new object[chunk.Count];
            var envelopeFacility = facility;
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
                var ward = residence.Resolve(episode.Commune, Xml130Dates.DayOf(episode.VisitTime));
                var (record, rule, ambiguous) = persons.Match(episode, ward);
                var seq = batch.NextSeq++;
                if (record >= 0) spool.Write(seq, record, episode);
                pending.Add((episode.EncounterId, seq, rule, ambiguous, record >= 0 ? null : (ward, PersonIndex.Identity(episode, ward))));
            }
            chunk.Clear();
        }
        try
        {
            try
            {
                foreach (var hoso in EnvelopeReader.Read(path, f => facility = f.Length == 0 ? null : f))
                {
                    read++;
                    chunk.Add(hoso);
                    if (chunk.Count == ChunkSize) Process();
                }
            }
            finally
            {
                // Also when the envelope breaks off: the episodes read before are parsed, so their own rejects are listed.
                if (chunk.Count > 0) Process();
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
            batch.Rule[p.Seq] = (p.Rule, p.Ambiguous);
            if (p.Visitor is { } v) batch.Visitors[p.Seq] = v;
        }
    }

    static void Summarise(BatchState batch, Residence residence, Xml130Report report)
    {
        var people = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var episodes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var seq in batch.Winner.Values)
        {
            report.Kept++;
            var (rule, ambiguous) = batch.Rule[seq];
            if (ambiguous) report.Ambiguous++;
            switch (rule)
            {
                case MatchRule.CitizenId: report.MatchedBy["citizen_id"]++; break;
                case MatchRule.InsuranceCard: report.MatchedBy["insurance_card"]++; break;
                case MatchRule.NameBirthCommune: report.MatchedBy["name_birth_commune"]++; break;
                default:
                    report.Unmatched++;
                    var (ward, who) = batch.Visitors[seq];
                    var key = ward ?? "";
                    if (!people.TryGetValue(key, out var set)) people[key] = set = new HashSet<string>(StringComparer.Ordinal);
                    set.Add(who);
                    episodes[key] = episodes.GetValueOrDefault(key) + 1;
                    break;
            }
        }
        report.UnrecordedVisitors = people
            .Select(kv => new UnrecordedVisitors(kv.Key.Length == 0 ? null : kv.Key, residence.Name(kv.Key.Length == 0 ? null : kv.Key), kv.Value.Count, episodes[kv.Key]))
            .OrderByDescending(v => v.People).ThenBy(v => v.WardCode is null).ThenBy(v => v.WardCode, StringComparer.Ordinal).ToList();
    }
}

/// <summary>The batch's episodes so far: the sequence number of the last sending of each encounter id wins.</summary>
internal sealed class BatchState
{
    public int NextSeq;
    public long Episodes, Rejected, Replaced;
    public Dictionary<string, int> Winner { get; } = new(StringComparer.Ordinal);
    public Dictionary<int, (MatchRule Rule, bool Ambiguous)> Rule { get; } = [];
    public Dictionary<int, (string? Ward, string Who)> Visitors { get; } = [];
}
