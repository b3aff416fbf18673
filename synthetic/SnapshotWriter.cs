using System.Security.Cryptography;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace HoSoSucKhoe.Synthetic;

/// <summary>
/// Streams a snapshot's four Arrow IPC files (uncompressed) into a hidden work folder, then writes manifest.json
/// with row counts and SHA-256 and renames the folder into place, so a reader never sees half a snapshot.
/// </summary>
internal sealed class SnapshotWriter : IDisposable
{
    public static readonly string[] FileNames = ["persons.arrow", "encounters.arrow", "labs.arrow", "medications.arrow"];

    readonly string _work;
    readonly string _final;
    readonly FileStream[] _streams = new FileStream[4];
    readonly ArrowFileWriter[] _writers = new ArrowFileWriter[4];
    readonly long[] _rows = new long[4];
    bool _finished;

    public SnapshotWriter(string outDir, string snapshotId)
    {
        _final = Path.Combine(outDir, snapshotId);
        _work = Path.Combine(outDir, "." + snapshotId + ".partial");
        if (Directory.Exists(_work)) Directory.Delete(_work, recursive: true);
        Directory.CreateDirectory(_work);
        Schema[] schemas = [SnapshotSchemas.Persons, SnapshotSchemas.Encounters, SnapshotSchemas.Labs, SnapshotSchemas.Medications];
        for (var i = 0; i < 4; i++)
        {
            _streams[i] = new FileStream(Path.Combine(_work, FileNames[i]), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
            _writers[i] = new ArrowFileWriter(_streams[i], schemas[i], leaveOpen: true);
            _writers[i].WriteStart();
        }
    }

    public void Write(CommuneOutput output)
    {
        Write(0, output.Persons);
        Write(1, output.Encounters);
        Write(2, output.Labs);
        Write(3, output.Medications);
    }

    void Write(int file, TableBuilder table)
    {
        foreach (var batch in table.Batches)
        {
            _writers[file].WriteRecordBatch(batch);
            _rows[file] += batch.Length;
            batch.Dispose();
        }
        table.Batches.Clear();
    }

    /// <summary>Closes the files, writes the manifest and moves the folder to its final name.</summary>
    public (string Folder, long[] Rows) Finish(string snapshotId, string provinceCode, DateOnly asOf, string adminCodes, string source)
    {
        var hashes = new string[4];
        for (var i = 0; i < 4; i++)
        {
            _writers[i].WriteEnd();
            _writers[i].Dispose();
            _streams[i].Dispose();
            using var read = File.OpenRead(Path.Combine(_work, FileNames[i]));
            hashes[i] = Convert.ToHexStringLower(SHA256.HashData(read));
        }
        using (var stream = File.Create(Path.Combine(_work, "manifest.json")))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", "hssk-snapshot/1");
            json.WriteString("snapshot_id", snapshotId);
            json.WriteString("province_code", provinceCode);
            json.WriteString("as_of", asOf.ToString("yyyy-MM-dd"));
            json.WriteString("admin_codes", adminCodes);
            json.WriteString("source", source);
            json.WriteStartObject("files");
            for (var i = 0; i < 4; i++)
            {
                json.WriteStartObject(FileNames[i]);
                json.WriteNumber("rows", _rows[i]);
                json.WriteString("sha256", hashes[i]);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        if (Directory.Exists(_final)) Directory.Delete(_final, recursive: true);
        Directory.Move(_work, _final);
        _finished = true;
        return (_final, _rows);
    }

    public void Dispose()
    {
        if (_finished) return;
        for (var i = 0; i < 4; i++)
        {
            _writers[i]?.Dispose();
            _streams[i]?.Dispose();
        }
        if (Directory.Exists(_work)) Directory.Delete(_work, recursive: true);
    }
}
