using System.Security.Cryptography;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Warehouse.Xml130;

/// <summary>
/// Writes the converted snapshot into the work folder: persons.arrow copied byte for byte from --persons; encounters,
/// labs and medications = the --persons history minus the encounters the batch sends again, then the batch's kept
/// episodes; unrecorded_visitors.arrow; manifest.json with rows and SHA-256 of every file.
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

    public static void Write(string work, string personsDir, Manifest manifest, string snapshotId, DateOnly asOf, BatchState batch,
        PersonIndex persons, Xml130Report report)
    {
        File.Copy(Path.Combine(personsDir, SnapshotContract.Persons.Name), Path.Combine(work, SnapshotContract.Persons.Name));
        var resent = batch.Winner.Keys.ToHashSet(StringComparer.Ordinal);
        using var encounters = new ContractTable(SnapshotContract.Encounters, Path.Combine(work, SnapshotContract.Encounters.Name));
        using var labs = new ContractTable(SnapshotContract.Labs, Path.Combine(work, SnapshotContract.Labs.Name));
        using var meds = new ContractTable(SnapshotContract.Medications, Path.Combine(work, SnapshotContract.Medications.Name));
        report.ReplacedHistory = CopyHistory(Path.Combine(personsDir, SnapshotContract.Encounters.Name), encounters, resent);
        CopyHistory(Path.Combine(personsDir, SnapshotContract.Labs.Name), labs, resent);
        CopyHistory(Path.Combine(personsDir, SnapshotContract.Medications.Name), meds, resent);

        foreach (var e in Spool.Read(Path.Combine(work, "episodes.spool")))
        {
            if (batch.Winner[e.EncounterId] != e.Seq) continue; // sent again later in the batch
            var record = persons.RecordId(e.Record);
            encounters.Add(e.EncounterId).Add(record).Add(e.Facility).Add(e.VisitTime).Add(e.Kind).Add(e.IcdMain).Add(e.IcdOther)
                .Add(e.Systolic == 0 ? null : e.Systolic).Add(e.Diastolic == 0 ? null : e.Diastolic).Add(Value(e.Height))
                .Add(Value(e.Weight)).Add(Value(e.Waist)).EndRow();
            foreach (var l in e.Labs)
                labs.Add(e.EncounterId).Add(record).Add(l.Time).Add(l.Test).Add(l.Value).Add(l.Unit).EndRow();
            foreach (var m in e.Meds)
                meds.Add(e.EncounterId).Add(record).Add(m.Time).Add(m.Name).Add(m.Ingredient).Add(null).Add(m.DaysSupply).EndRow();
        }
        encounters.Finish();
        labs.Finish();
        meds.Finish();
        report.Encounters = encounters.Rows;
        report.Labs = labs.Rows;
        report.Medications = meds.Rows;

        using (var visitors = new ContractTable(SnapshotContract.Encounters, Path.Combine(work, VisitorsFile), VisitorsSchema))
        {
            foreach (var v in report.UnrecordedVisitors) visitors.Add(v.WardCode).Add((int)v.People).Add((int)v.Episodes).EndRow();
            visitors.Finish();
        }
        WriteManifest(work, manifest, snapshotId, asOf, persons.Count, report);
    }

    static float? Value(float f) => float.IsNaN(f) ? null : f;

    /// <summary>Copies a history file, leaving out the rows of encounters sent again; returns the encounters left out.</summary>
    static long CopyHistory(string path, ContractTable into, HashSet<string> resent)
    {
        long left = 0;
        var lookup = resent.GetAlternateLookup<ReadOnlySpan<char>>();
        using var reader = new ArrowFileReader(File.OpenRead(path));
        while (reader.ReadNextRecordBatch() is { } batch)
            using (batch)
            {
                var ids = (StringArray)batch.Column("encounter_id");
                var drop = 0;
                for (var i = 0; i < batch.Length; i++) if (Contains(lookup, ids.GetBytes(i))) drop++;
                // Most batches hold no encounter sent again: copied whole, without decoding a value.
                if (drop == 0 && into.TryWriteBatch(batch)) continue;
                left += drop;
                for (var i = 0; i < batch.Length; i++)
                    if (!resent.Contains(ids.GetString(i))) into.Copy(batch, i);
            }
        return left;
    }

    /// <summary>Whether a UTF-8 id is in the set, without making a string of it.</summary>
    static bool Contains(HashSet<string>.AlternateLookup<ReadOnlySpan<char>> set, ReadOnlySpan<byte> utf8)
    {
        if (set.Set.Count == 0) return false;
        Span<char> chars = stackalloc char[256];
        if (utf8.Length > chars.Length) return set.Set.Contains(System.Text.Encoding.UTF8.GetString(utf8));
        var n = System.Text.Encoding.UTF8.GetChars(utf8, chars);
        return set.Contains(chars[..n]);
    }

    static void WriteManifest(string work, Manifest persons, string snapshotId, DateOnly asOf, long personRows, Xml130Report report)
    {
        var files = new (string Name, long Rows)[]
        {
            (SnapshotContract.Persons.Name, personRows), (SnapshotContract.Encounters.Name, report.Encounters),
            (SnapshotContract.Labs.Name, report.Labs), (SnapshotContract.Medications.Name, report.Medications),
            (VisitorsFile, report.UnrecordedVisitors.Count),
        };
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
        foreach (var (name, rows) in files)
        {
            json.WriteStartObject(name);
            json.WriteNumber("rows", rows);
            using (var read = File.OpenRead(Path.Combine(work, name)))
                json.WriteString("sha256", System.Convert.ToHexStringLower(SHA256.HashData(read)));
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
