using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse.Snapshots;
using HoSoSucKhoe.Warehouse.Xml130;

namespace HoSoSucKhoe.Tests.Xml130;

/// <summary>How the converted snapshot's files are written: history batches spliced as bytes, checksums computed while
/// writing.</summary>
public sealed class OutputFileTests : IDisposable
{
    readonly string root = Path.Combine(Path.GetTempPath(), "hssk-xml130-out-" + Guid.NewGuid().ToString("N")[..8]);

    public OutputFileTests() => Directory.CreateDirectory(root);
    public void Dispose() { try { Directory.Delete(root, true); } catch (IOException) { } }

    static readonly Schema Labs = SnapshotContract.Labs.ArrowSchema;

    static RecordBatch Batch(string prefix, int rows)
    {
        var builders = Labs.FieldsList.Select(_ => new StringArray.Builder()).ToArray();
        var time = new TimestampArray.Builder((Apache.Arrow.Types.TimestampType)Labs.GetFieldByName("result_time").DataType);
        var arrays = new IArrowArray[Labs.FieldsList.Count];
        for (var c = 0; c < arrays.Length; c++)
        {
            var name = Labs.FieldsList[c].Name;
            if (name == "result_time")
            {
                for (var i = 0; i < rows; i++) time.Append(DateTimeOffset.FromUnixTimeSeconds(1_750_000_000 + i));
                arrays[c] = time.Build();
                continue;
            }
            for (var i = 0; i < rows; i++)
                if (name == "unit" && i % 3 == 0) builders[c].AppendNull(); else builders[c].Append($"{prefix}-{name}-{i}");
            arrays[c] = builders[c].Build();
        }
        return new RecordBatch(Labs, arrays, rows);
    }

    string Write(string name, params RecordBatch[] batches)
    {
        var path = Path.Combine(root, name);
        using var stream = File.Create(path);
        using var writer = new ArrowFileWriter(stream, Labs);
        writer.WriteStart();
        foreach (var b in batches) writer.WriteRecordBatch(b);
        writer.WriteEnd();
        return path;
    }

    static List<string> Rows(string path, out int batches)
    {
        var rows = new List<string>();
        batches = 0;
        using var reader = new ArrowFileReader(File.OpenRead(path));
        while (reader.ReadNextRecordBatch() is { } b)
        {
            batches++;
            for (var i = 0; i < b.Length; i++)
                rows.Add(string.Join('|', b.Arrays.Select(a => a switch
                {
                    StringArray s => s.GetString(i) ?? "∅",
                    TimestampArray t => t.GetTimestamp(i)!.Value.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => throw new NotSupportedException(),
                })));
        }
        return rows;
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(0, 2)]
    [InlineData(3, 0)]
    public void SplicedFileHoldsTheFirstFilesBatchesThenTheSecondsAndItsChecksumIsTheFiles(int first, int second)
    {
        var a = Write("a.arrow", Enumerable.Range(0, first).Select(i => Batch($"a{i}", 5 + i)).ToArray());
        var b = Write("b.arrow", Enumerable.Range(0, second).Select(i => Batch($"b{i}", 7 + i)).ToArray());
        var joined = Path.Combine(root, "joined.arrow");

        string sha;
        using (var output = new HashingStream(joined))
        {
            var splice = new ArrowSplice(a, output);
            splice.Finish(b);
            sha = output.Sha256();
        }

        var rows = Rows(joined, out var batches);
        Assert.Equal(first + second, batches);
        Assert.Equal(Rows(a, out _).Concat(Rows(b, out _)).ToList(), rows);
        Assert.Equal(TinySnapshot.Sha(joined), sha);
        using var reader = new ArrowFileReader(File.OpenRead(joined));
        Assert.Equal(Labs.FieldsList.Select(f => (f.Name, f.DataType.TypeId, f.IsNullable)),
            reader.Schema.FieldsList.Select(f => (f.Name, f.DataType.TypeId, f.IsNullable)));
        Assert.True(ArrowSplice.CanSplice(joined));
    }

    [Fact]
    public void AFileThatIsNotArrowIsNotSpliced()
    {
        var path = Path.Combine(root, "not.arrow");
        File.WriteAllText(path, "ARROW1 but not really, no footer here");
        Assert.False(ArrowSplice.CanSplice(path));
    }

    [Fact]
    public void TheManifestGivesEveryFilesTrueRowsAndChecksumAndTheHistoryComesFirst()
    {
        var tiny = new TinySnapshot();
        var persons = tiny.Write(Path.Combine(root, "persons"));
        var citizen = (string)tiny.Rows["persons.arrow"][1]["citizen_id"]!;
        new Envelope().Add(
            ("XML1", Envelope.Xml1("01001-0100", citizen: citizen, icd: "E11.9")),
            ("XML4", Envelope.Xml4("01001-0100", (LabCodes.HbA1cService, "HbA1c", "7.9", "%")))).Write(Path.Combine(root, "a.xml"));
        var output = Path.Combine(root, "out");

        var report = Xml130Converter.Convert(new Xml130Options([Path.Combine(root, "a.xml")], persons, output));

        Assert.True(report.Succeeded);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, Manifest.FileName)));
        var files = manifest.RootElement.GetProperty("files");
        foreach (var name in new[] { "persons.arrow", "encounters.arrow", "labs.arrow", "medications.arrow", "unrecorded_visitors.arrow" })
        {
            var path = Path.Combine(output, name);
            long rows = 0;
            using (var reader = new ArrowFileReader(File.OpenRead(path)))
                while (reader.ReadNextRecordBatch() is { } b) rows += b.Length;
            Assert.Equal((rows, TinySnapshot.Sha(path)), (files.GetProperty(name).GetProperty("rows").GetInt64(), files.GetProperty(name).GetProperty("sha256").GetString()));
        }
        Assert.Equal(TinySnapshot.Sha(Path.Combine(persons, "persons.arrow")), TinySnapshot.Sha(Path.Combine(output, "persons.arrow")));
        var encounters = ConversionTests.Rows(output, "encounters.arrow").Select(r => (string?)r["encounter_id"]).ToList();
        Assert.Equal(tiny.Rows["encounters.arrow"].Select(r => (string?)r["encounter_id"]).Append("01001-0100"), encounters);
        var labs = ConversionTests.Rows(output, "labs.arrow");
        Assert.Equal(tiny.Rows["labs.arrow"].Count + 1, labs.Count);
        Assert.Equal(("01001-0100", "HBA1C"), ((string?)labs[^1]["encounter_id"], (string?)labs[^1]["test"]));
        Assert.Empty(Directory.GetFiles(output, "*.new"));
    }
}
