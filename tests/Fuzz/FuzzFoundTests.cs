using System.Text;
using HoSoSucKhoe.Bench;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Snapshots;
using HoSoSucKhoe.Warehouse.Xml130;

namespace HoSoSucKhoe.Tests.Fuzz;

/// <summary>A warehouse with Hà Nội's population and the fuzzer's seed snapshot folder, shared by the cases below.</summary>
public sealed class FuzzWarehouse : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "hssk-fuzz-tests-" + Guid.NewGuid().ToString("N")[..8]);
    public string Seed { get; }
    public WarehouseDb Db { get; }
    public SnapshotLoader Loader { get; }

    public FuzzWarehouse()
    {
        Directory.CreateDirectory(Root);
        Seed = FuzzInputs.WriteSnapshot(Path.Combine(Root, "seed"), FuzzWorker.SeedId, "2025-09-30");
        Db = new WarehouseDb(Path.Combine(Root, "w.duckdb"));
        File.WriteAllText(Path.Combine(Root, "population.csv"), FuzzInputs.PopulationCsv());
        PopulationLoader.Load(Db, Path.Combine(Root, "population.csv"));
        Loader = new SnapshotLoader(Db, new Pseudonymiser(FuzzWorker.Key), [KpiMarts.Build]);
    }

    public string NewFolder(string name)
    {
        var path = Path.Combine(Root, name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    public long Snapshots()
    {
        using var c = Db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM fact_snapshot";
        return Convert.ToInt64(cmd.ExecuteScalar());
    }

    public void Dispose()
    {
        Db.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

/// <summary>
/// The inputs with which the fuzzer (bench verb <c>fuzz</c>, docs/reliability.md §2) found defects: before the fixes each
/// of them crashed the process (segfault in DuckDB or an access violation), threw a framework exception, or showed
/// the framework's English text to the user. Each must now be refused with a Vietnamese message naming the file.
/// </summary>
public sealed class FuzzFoundTests(FuzzWarehouse w) : IClassFixture<FuzzWarehouse>
{
    static void Clear(string message, string file)
    {
        Assert.Null(FuzzChecks.Problem(message, file));
        Assert.DoesNotContain("   at ", message);
    }

    [Fact]
    public void The_seed_snapshot_loads()
    {
        var folder = w.NewFolder("seed-copy");
        foreach (var f in Directory.GetFiles(w.Seed)) File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
        TinyId(folder, "01-2025-09-29", "2025-09-29");
        var result = w.Loader.Load(folder);
        Assert.Equal(LoadOutcome.Loaded, result.Outcome);
        Assert.Equal(12, result.Persons);
    }

    static void TinyId(string folder, string id, string asOf)
    {
        var path = Path.Combine(folder, Manifest.FileName);
        File.WriteAllText(path, File.ReadAllText(path).Replace(FuzzWorker.SeedId, id).Replace("2025-09-30", asOf));
    }

    /// <summary>Arrow cases of seed 20251202 that killed the process (exit 139, or an access violation in the
    /// pseudonymiser) before every batch was checked: lengths, bitmaps and string offsets pointing outside the buffers.</summary>
    [Theory]
    [InlineData(7)]
    [InlineData(9)]
    [InlineData(16)]
    [InlineData(25)]
    [InlineData(29)]
    [InlineData(57)]
    [InlineData(73)]
    [InlineData(75)]
    [InlineData(76)]
    [InlineData(87)]
    [InlineData(99)]
    [InlineData(105)]
    [InlineData(114)]
    [InlineData(132)]
    [InlineData(140)]
    [InlineData(148)]
    [InlineData(265)]   // a timestamp[s] beyond DuckDB's microseconds: "Could not convert Timestamp(S) to Timestamp(US)" escaped the load
    [InlineData(1508)]  // a field type's bit width zeroed: Apache.Arrow's bare Exception ("Unexpected bit width of 0") escaped the load
    [InlineData(8762)]  // a birth date ~230.000 years back: its age overflowed SMALLINT inside the commit ("Conversion Error … INT16")
    public void Corrupt_arrow_buffers_are_refused_not_a_crash(int index)
    {
        var folder = w.NewFolder("arrow-" + index);
        var mutation = FuzzWorker.ArrowCase(new Random(FuzzWorker.CaseSeed(20251202, 1, index)), w.Seed, folder);
        var before = w.Snapshots();
        var e = Assert.Throws<SnapshotRejectedException>(() => w.Loader.Load(folder));
        Clear(e.Message, e.File);
        Assert.True(before == w.Snapshots(), mutation);
    }

    /// <summary>Arrow case 908 (9 bytes swapped in medications.arrow): refused, but DuckDB's second thread pulled the
    /// stream again after the refusal and Apache.Arrow, re-reading the corrupt file, allocated up to 15 GB over a minute.
    /// Now the first refusal is final: every later pull throws it again without reading a byte of the file.</summary>
    [Fact]
    public async Task After_a_corrupt_batch_the_stream_never_reads_the_file_again()
    {
        var folder = w.NewFolder("arrow-908");
        FuzzWorker.ArrowCase(new Random(FuzzWorker.CaseSeed(20251202, 1, 908)), w.Seed, folder);
        var file = SnapshotContract.Medications;
        using var counted = new CountingStream(File.OpenRead(Path.Combine(folder, file.Name)));
        using var stream = new NumberedStream(new Apache.Arrow.Ipc.ArrowFileReader(counted), file, null);
        var first = await Assert.ThrowsAsync<SnapshotRejectedException>(async () => await stream.ReadNextRecordBatchAsync());
        Assert.Equal(file.Name, first.File);
        Clear(first.Message, file.Name);
        var read = counted.BytesRead;
        for (var i = 0; i < 5; i++)
            Assert.Same(first, await Assert.ThrowsAsync<SnapshotRejectedException>(async () => await stream.ReadNextRecordBatchAsync()));
        Assert.Equal(read, counted.BytesRead);

        var before = w.Snapshots();
        var e = Assert.Throws<SnapshotRejectedException>(() => w.Loader.Load(folder));
        Clear(e.Message, file.Name);
        Assert.Equal(before, w.Snapshots());
    }

    sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }

        int Count(int n)
        {
            BytesRead += n;
            return n;
        }
    }

    /// <summary>String offsets beyond the data buffer (found as a segfault): refused naming the file, column and row.</summary>
    [Fact]
    public void String_offsets_outside_the_buffer_are_refused_with_file_column_and_row()
    {
        var folder = w.NewFolder("offsets");
        foreach (var f in Directory.GetFiles(w.Seed)) File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
        var path = Path.Combine(folder, "encounters.arrow");
        var bytes = File.ReadAllBytes(path);
        // facility_code is "01001" in every row: its offsets are 0, 5, 10, 15, …
        byte[] pattern = [0, 0, 0, 0, 5, 0, 0, 0, 10, 0, 0, 0, 15, 0, 0, 0];
        var at = bytes.AsSpan().IndexOf(pattern);
        Assert.True(at >= 0);
        BitConverter.GetBytes(0x7FFFFFF0).CopyTo(bytes, at + 12);
        File.WriteAllBytes(path, bytes);
        FuzzMutators.Recompute(folder, "encounters.arrow", rows: false);
        var e = Assert.Throws<SnapshotRejectedException>(() => w.Loader.Load(folder));
        Assert.Equal("encounters.arrow", e.File);
        Assert.Equal("facility_code", e.Column);
        Assert.Equal(3, e.Row);
        Clear(e.Message, "encounters.arrow");
    }

    /// <summary>Invalid UTF-8 inside a string value (DuckDB would store it): refused with its row.</summary>
    [Fact]
    public void Invalid_utf8_in_a_string_is_refused_with_its_row()
    {
        var tables = FuzzInputs.Tables();
        tables["labs.arrow"].Single(c => c.Name == "unit").Values[1] = (byte[])[0x6D, 0xC3, 0x28, 0x6C];
        var folder = FuzzInputs.WriteSnapshot(w.NewFolder("utf8"), "01-2025-09-28", "2025-09-28", tables);
        var e = Assert.Throws<SnapshotRejectedException>(() => w.Loader.Load(folder));
        Assert.Equal(("labs.arrow", "unit", 2L), (e.File, e.Column, e.Row));
        Clear(e.Message, "labs.arrow");
    }

    /// <summary>manifest.json with bytes that are not UTF-8 threw InvalidOperationException ("Cannot transcode invalid
    /// UTF-8 JSON text") out of Manifest.Read.</summary>
    [Fact]
    public void Manifest_with_invalid_utf8_is_refused()
    {
        var folder = w.NewFolder("manifest-utf8");
        foreach (var f in Directory.GetFiles(w.Seed)) File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
        var path = Path.Combine(folder, Manifest.FileName);
        var text = Encoding.UTF8.GetBytes(File.ReadAllText(path).Replace("\"source\":\"fuzz\"", "\"source\":\"fu\u0001\""));
        text[Array.IndexOf(text, (byte)1)] = 0xFF;
        File.WriteAllBytes(path, text);
        var e = Assert.Throws<SnapshotRejectedException>(() => Manifest.Read(folder));
        Assert.Contains("UTF-8", e.Message);
        Clear(e.Message, "manifest.json");
    }

    [Fact]
    public void Manifest_with_a_lone_surrogate_escape_is_refused_naming_the_key()
    {
        var folder = w.NewFolder("manifest-surrogate");
        foreach (var f in Directory.GetFiles(w.Seed)) File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
        var path = Path.Combine(folder, Manifest.FileName);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"source\":\"fuzz\"", "\"source\":\"\\uD800\""));
        var e = Assert.Throws<SnapshotRejectedException>(() => Manifest.Read(folder));
        Assert.Equal("khoá source", e.Column);
        Clear(e.Message, "manifest.json");
    }

    /// <summary>Two populations near long.MaxValue made the per-year totals overflow (OverflowException after the checks).</summary>
    [Fact]
    public void Population_beyond_the_bound_is_refused_before_any_write()
    {
        var csv = FuzzInputs.PopulationCsv().Split('\n').ToList();
        for (var i = 1; i <= 2; i++)
        {
            var cells = csv[i].Split(',');
            cells[2] = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture);
            csv[i] = string.Join(',', cells);
        }
        var path = Path.Combine(w.NewFolder("pop"), "pop-fuzz.csv");
        File.WriteAllText(path, string.Join('\n', csv));
        var e = Assert.Throws<SnapshotRejectedException>(() => PopulationLoader.Load(w.Db, path));
        Assert.Equal(("population", 2L), (e.Column, e.Row));
        Clear(e.Message, "pop-fuzz.csv");
    }

    static (Xml130FailedException Failure, string Out) ConvertFails(FuzzWarehouse w, string envelope)
    {
        var dir = w.NewFolder("xml");
        var file = Path.Combine(dir, "fz.xml");
        File.WriteAllText(file, envelope);
        var output = Path.Combine(dir, "out");
        var e = Assert.Throws<Xml130FailedException>(() => Xml130Converter.Convert(new Xml130Options([file], w.Seed, output, MaxRejectShare: 0.5)));
        Assert.False(Directory.Exists(output));
        Assert.Empty(Directory.GetDirectories(dir, ".out.partial-*"));
        return (e, output);
    }

    /// <summary>Billion laughs and an external entity in the envelope: refused (DTD prohibited, nothing expanded or read),
    /// with a Vietnamese reason instead of .NET's "For security reasons DTD is prohibited…".</summary>
    [Theory]
    [InlineData("<!DOCTYPE GIAMDINHHS [<!ENTITY a \"xxxxxxxxxx\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>", "&c;")]
    [InlineData("<!DOCTYPE GIAMDINHHS [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>", "&xxe;")]
    public void Envelope_dtd_is_refused_in_vietnamese(string dtd, string use)
    {
        var envelope = FuzzInputs.Envelope(FuzzInputs.Hosos()).Replace("<GIAMDINHHS ", dtd + "\n<GIAMDINHHS ").Replace("<MACSKCB>01001", "<MACSKCB>01001" + use);
        var (e, _) = ConvertFails(w, envelope);
        var reject = Assert.Single(e.Report.Rejects);
        Assert.Equal("GIAMDINHHS", reject.Field);
        Assert.Contains("DTD", reject.Reason);
        Clear(reject.Reason, null!);
        Assert.DoesNotContain("root:", File.ReadAllText(e.ReportPath));
    }

    /// <summary>A truncated envelope and a broken inner XML1 showed XmlException's English ("Unexpected end of file has
    /// occurred…", "The 'X' start tag … does not match…") in the rejects.</summary>
    [Fact]
    public void Broken_xml_is_described_in_vietnamese()
    {
        var envelope = FuzzInputs.Envelope(FuzzInputs.Hosos());
        var (cut, _) = ConvertFails(w, envelope[..(envelope.Length / 2)]);
        var reason = cut.Report.Rejects.Single(r => r.Field == "GIAMDINHHS").Reason;
        Assert.Contains("cắt cụt", reason);
        Clear(reason, null!);

        // One HOSO, its XML1 broken: the whole batch is rejected (above any reject share), and the reason is Vietnamese.
        var hosos = FuzzInputs.Hosos(1);
        hosos[0][0] = ("XML1", hosos[0][0].Content.Replace("</MA_LK>", "</MA_LX>"));
        var (inner, _) = ConvertFails(w, FuzzInputs.Envelope(hosos));
        var r1 = inner.Report.Rejects.Single(r => r.Field == "XML1");
        Assert.Contains("thẻ mở và thẻ đóng không khớp", r1.Reason);
        Clear(r1.Reason, null!);
    }
}
