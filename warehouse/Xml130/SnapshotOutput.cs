using System.Text;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Warehouse.Xml130;

/// <summary>
/// The --persons files copied into the work folder while the XML is read (docs/xml130.md, "Output"): persons.arrow byte
/// for byte, and the encounters, labs and medications history whole, each left open for the batch's episodes. Which
/// encounters the batch sends again is only known once everything is read, so the history is copied as it is and the
/// 64-bit hash of every encounter id it holds is kept; a batch none of whose encounter ids has one of those hashes
/// replaces nothing, otherwise the three files are copied again leaving out the encounters sent again.
/// </summary>
internal sealed class HistoryCopy : IDisposable
{
    readonly string _personsDir, _work;
    readonly HashSet<ulong> _ids = [];

    public HistoryTable Encounters { get; private set; } = null!;
    public HistoryTable Labs { get; private set; } = null!;
    public HistoryTable Medications { get; private set; } = null!;
    public string PersonsSha256 { get; }
    /// <summary>History encounters left out because the batch sends them again.</summary>
    public long Replaced { get; private set; }

    HistoryCopy(string personsDir, string work, long encounterRows, CancellationToken cancel)
    {
        (_personsDir, _work) = (personsDir, work);
        PersonsSha256 = HashingStream.Copy(Path.Combine(personsDir, SnapshotContract.Persons.Name), Path.Combine(work, SnapshotContract.Persons.Name));
        _ids.EnsureCapacity((int)Math.Min(encounterRows, int.MaxValue / 4));
        CopyAll([], cancel);
    }

    /// <summary>Copies the --persons files into <paramref name="work"/>; on failure nothing is left open.</summary>
    public static HistoryCopy Start(string personsDir, string work, long encounterRows, CancellationToken cancel) =>
        new(personsDir, work, encounterRows, cancel);

    void CopyAll(HashSet<string> resent, CancellationToken cancel)
    {
        var ids = resent.Count == 0 ? _ids : null;
        HistoryTable Table(ContractFile file) => new(file, Path.Combine(_personsDir, file.Name), Path.Combine(_work, file.Name), ids, resent, cancel);
        (Encounters, Labs, Medications) = (null!, null!, null!);
        try
        {
            Encounters = Table(SnapshotContract.Encounters);
            Labs = Table(SnapshotContract.Labs);
            Medications = Table(SnapshotContract.Medications);
        }
        catch
        {
            Dispose();
            throw;
        }
        Replaced = Encounters.Left;
    }

    /// <summary>Leaves out of the history the encounters in <paramref name="resent"/> (with their labs and medicines):
    /// nothing to do unless one of their hashes is in the history.</summary>
    public void Exclude(IReadOnlyCollection<string> resent)
    {
        Span<byte> buffer = stackalloc byte[256];
        var any = false;
        foreach (var id in resent)
        {
            var bytes = Encoding.UTF8.GetMaxByteCount(id.Length) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(id, buffer)] : Encoding.UTF8.GetBytes(id);
            if (_ids.Contains(PersonIndex.Hash(bytes))) { any = true; break; }
        }
        if (!any) return;
        Dispose();
        foreach (var t in new[] { Encounters, Labs, Medications }) t.Delete();
        CopyAll(resent.ToHashSet(StringComparer.Ordinal), CancellationToken.None);
    }

    public void Dispose()
    {
        Encounters?.Dispose();
        Labs?.Dispose();
        Medications?.Dispose();
    }
}

/// <summary>
/// One output table: the --persons history, then the batch's rows (<see cref="Rows"/>). A history file whose schema is
/// the contract's is spliced (its batches copied as bytes, see <see cref="ArrowSplice"/>; the batch's rows go to a
/// file of their own, joined on <see cref="Finish"/>); otherwise, or when encounters sent again must be left out, it
/// is copied into <see cref="Rows"/> batch by batch (row by row for a batch holding an encounter sent again).
/// </summary>
internal sealed class HistoryTable : IDisposable
{
    readonly string _path;
    readonly HashingStream? _output;
    readonly ArrowSplice? _splice;
    readonly long _historyRows;

    public ContractTable Rows { get; }
    /// <summary>Rows of the history left out (encounters sent again).</summary>
    public long Left { get; }
    public long TotalRows => (_splice is null ? 0 : _historyRows) + Rows.Rows;
    public string? Sha256 { get; private set; }

    public HistoryTable(ContractFile file, string source, string path, HashSet<ulong>? ids, HashSet<string> resent, CancellationToken cancel)
    {
        _path = path;
        using (var reader = new ArrowFileReader(File.OpenRead(source)))
        {
            if (resent.Count == 0 && SameSchema(reader.Schema, file.ArrowSchema) && ArrowSplice.CanSplice(source))
            {
                while (reader.ReadNextRecordBatch() is { } batch)
                    using (batch)
                    {
                        cancel.ThrowIfCancellationRequested();
                        var encounterIds = (StringArray)batch.Column("encounter_id");
                        for (var i = 0; i < batch.Length; i++) ids?.Add(PersonIndex.Hash(encounterIds.GetBytes(i)));
                        _historyRows += batch.Length;
                    }
                _output = new HashingStream(path);
                try
                {
                    _splice = new ArrowSplice(source, _output);
                    Rows = new ContractTable(file, path + ".new");
                }
                catch
                {
                    _output.Dispose();
                    throw;
                }
                return;
            }
        }
        Rows = new ContractTable(file, path);
        Left = Copy(source, Rows, ids, resent, cancel);
    }

    static bool SameSchema(Schema a, Schema b) =>
        a.FieldsList.Count == b.FieldsList.Count && a.FieldsList.Zip(b.FieldsList).All(f =>
            f.First.Name == f.Second.Name && f.First.IsNullable == f.Second.IsNullable && ContractTable.SameType(f.First.DataType, f.Second.DataType));

    /// <summary>Copies a history file, leaving out the rows of encounters in <paramref name="resent"/>; returns the rows
    /// left out.</summary>
    static long Copy(string path, ContractTable into, HashSet<ulong>? ids, HashSet<string> resent, CancellationToken cancel)
    {
        long left = 0;
        var lookup = resent.GetAlternateLookup<ReadOnlySpan<char>>();
        using var reader = new ArrowFileReader(File.OpenRead(path));
        while (reader.ReadNextRecordBatch() is { } batch)
            using (batch)
            {
                cancel.ThrowIfCancellationRequested();
                var encounterIds = (StringArray)batch.Column("encounter_id");
                var drop = 0;
                for (var i = 0; i < batch.Length; i++)
                {
                    ids?.Add(PersonIndex.Hash(encounterIds.GetBytes(i)));
                    if (resent.Count > 0 && Contains(lookup, encounterIds.GetBytes(i))) drop++;
                }
                // Most batches hold no encounter sent again: copied whole, without decoding a value.
                if (drop == 0 && into.TryWriteBatch(batch)) continue;
                left += drop;
                for (var i = 0; i < batch.Length; i++)
                    if (!resent.Contains(encounterIds.GetString(i))) into.Copy(batch, i);
            }
        return left;
    }

    /// <summary>Whether a UTF-8 id is in the set, without making a string of it.</summary>
    static bool Contains(HashSet<string>.AlternateLookup<ReadOnlySpan<char>> set, ReadOnlySpan<byte> utf8)
    {
        Span<char> chars = stackalloc char[256];
        if (utf8.Length > chars.Length) return set.Set.Contains(Encoding.UTF8.GetString(utf8));
        var n = Encoding.UTF8.GetChars(utf8, chars);
        return set.Contains(chars[..n]);
    }

    /// <summary>Completes the file; its SHA-256 is then in <see cref="Sha256"/>.</summary>
    public void Finish()
    {
        Rows.Finish();
        if (_splice is null)
        {
            Sha256 = Rows.Sha256;
            return;
        }
        _splice.Finish(Rows.Path);
        Sha256 = _output!.Sha256();
        _output.Dispose();
        File.Delete(Rows.Path);
    }

    /// <summary>Removes what was written (the history is then copied again).</summary>
    public void Delete()
    {
        Dispose();
        File.Delete(_path);
        File.Delete(_path + ".new");
    }

    public void Dispose()
    {
        Rows.Dispose();
        _output?.Dispose();
    }
}

/// <summary>
/// Completes the converted snapshot in the work folder: the batch's kept episodes, matched to a person as they are read
/// back from the spool, appended to the history; unrecorded_visitors.arrow; manifest.json with rows and SHA-256 of every
/// file.
/// </summary>
internal static class SnapshotOutput
{
    public const string VisitorsFile = "unrecorded_visitors.arrow";

    public static readonly Schema VisitorsSchema = new(
    [
        new Field("ward_code", StringType.Default, true),
        new Field("people", Int32Type.Default, false),
        new Field("episodes", Int32Type.Default, false),
    ], null);

    public static void Write(string work, string spool, HistoryCopy history, Manifest manifest, string snapshotId, DateOnly asOf,
        BatchState batch, PersonIndex persons, Residence residence, Xml130Report report)
    {
        history.Exclude(batch.Winner.Keys);
        report.ReplacedHistory = history.Replaced;
        var (encounters, labs, meds) = (history.Encounters.Rows, history.Labs.Rows, history.Medications.Rows);
        MatchWinners(spool, batch, persons, residence, report, (e, record) =>
        {
            encounters.Add(e.EncounterId).Add(record).Add(e.Facility).Add(e.VisitTime).Add(e.Kind).Add(e.IcdMain).Add(e.IcdOther)
                .Add(e.Systolic == 0 ? null : e.Systolic).Add(e.Diastolic == 0 ? null : e.Diastolic).Add(Value(e.Height))
                .Add(Value(e.Weight)).Add(Value(e.Waist)).EndRow();
            foreach (var l in e.Labs)
                labs.Add(e.EncounterId).Add(record).Add(l.Time).Add(l.Test).Add(l.Value).Add(l.Unit).EndRow();
            foreach (var m in e.Meds)
                meds.Add(e.EncounterId).Add(record).Add(m.Time).Add(m.Name).Add(m.Ingredient).Add(null).Add(m.DaysSupply).EndRow();
        });
        history.Encounters.Finish();
        history.Labs.Finish();
        history.Medications.Finish();
        report.Encounters = history.Encounters.TotalRows;
        report.Labs = history.Labs.TotalRows;
        report.Medications = history.Medications.TotalRows;

        using var visitors = new ContractTable(SnapshotContract.Encounters, Path.Combine(work, VisitorsFile), VisitorsSchema);
        foreach (var v in report.UnrecordedVisitors) visitors.Add(v.WardCode).Add((int)v.People).Add((int)v.Episodes).EndRow();
        visitors.Finish();
        WriteManifest(work, manifest, snapshotId, asOf, report,
        [
            (SnapshotContract.Persons.Name, persons.Count, history.PersonsSha256), (SnapshotContract.Encounters.Name, report.Encounters, history.Encounters.Sha256!),
            (SnapshotContract.Labs.Name, report.Labs, history.Labs.Sha256!), (SnapshotContract.Medications.Name, report.Medications, history.Medications.Sha256!),
            (VisitorsFile, report.UnrecordedVisitors.Count, visitors.Sha256!),
        ]);
    }

    /// <summary>
    /// Reads the spool back in order and matches the last sending of every encounter id (docs/xml130.md, "Matching"),
    /// counting the rules and the unrecorded visitors into the report; <paramref name="write"/>, when given, receives each
    /// matched episode with its person's record_id.
    /// </summary>
    public static void MatchWinners(string spool, BatchState batch, PersonIndex persons, Residence residence, Xml130Report report,
        Action<SpooledEpisode, string>? write)
    {
        var people = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var episodes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var e in Spool.Read(spool))
        {
            // Sent again later in the batch, or read from a file that broke off (none of its episodes count).
            if (!batch.Winner.TryGetValue(e.EncounterId, out var winner) || winner != e.Seq) continue;
            var ward = residence.Resolve(e.Commune, Xml130Dates.DayOf(e.VisitTime));
            var (record, rule, ambiguous) = persons.Match(e.Who, ward);
            if (ambiguous) report.Ambiguous++;
            switch (rule)
            {
                case MatchRule.CitizenId: report.MatchedBy["citizen_id"]++; break;
                case MatchRule.InsuranceCard: report.MatchedBy["insurance_card"]++; break;
                case MatchRule.NameBirthCommune: report.MatchedBy["name_birth_commune"]++; break;
                default:
                    report.Unmatched++;
                    var key = ward ?? "";
                    if (!people.TryGetValue(key, out var set)) people[key] = set = new HashSet<string>(StringComparer.Ordinal);
                    set.Add(PersonIndex.IdentityKey(e.Who, ward, e.EncounterId));
                    episodes[key] = episodes.GetValueOrDefault(key) + 1;
                    break;
            }
            if (record >= 0) write?.Invoke(e, persons.RecordId(record));
        }
        report.UnrecordedVisitors = people
            .Select(kv => new UnrecordedVisitors(kv.Key.Length == 0 ? null : kv.Key, residence.Name(kv.Key.Length == 0 ? null : kv.Key), kv.Value.Count, episodes[kv.Key]))
            .OrderByDescending(v => v.People).ThenBy(v => v.WardCode is null).ThenBy(v => v.WardCode, StringComparer.Ordinal).ToList();
    }

    static float? Value(float f) => float.IsNaN(f) ? null : f;

    static void WriteManifest(string work, Manifest persons, string snapshotId, DateOnly asOf, Xml130Report report,
        (string Name, long Rows, string Sha256)[] files)
    {
        using var stream = File.Create(Path.Combine(work, Manifest.FileName));
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("format", SnapshotContract.Format);
        json.WriteString("snapshot_id", snapshotId);
        json.WriteString("province_code", persons.ProvinceCode);
        json.WriteString("as_of", asOf.ToString("yyyy-MM-dd"));
        json.WriteString("admin_codes", persons.AdminCodes);
        json.WriteString("source", $"xml130: {persons.SnapshotId} + {report.Files} tệp XML 130 ({report.Kept} hồ sơ)");
        json.WriteStartObject("files");
        foreach (var (name, rows, sha256) in files)
        {
            json.WriteStartObject(name);
            json.WriteNumber("rows", rows);
            json.WriteString("sha256", sha256);
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
