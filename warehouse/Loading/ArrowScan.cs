using System.Runtime.InteropServices;
using Apache.Arrow;
using Apache.Arrow.C;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using DuckDB.NET.Data;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Warehouse.Loading;

/// <summary>
/// Hands an Arrow IPC file to DuckDB through the C Data Interface (the fastest path measured here: docs/performance.md).
/// The view is registered on a connection whose default catalog is the in-memory database, read once, dropped.
/// </summary>
static unsafe class ArrowScan
{
    [DllImport("duckdb")]
    static extern int duckdb_arrow_scan(IntPtr connection, [MarshalAs(UnmanagedType.LPUTF8Str)] string viewName, CArrowArrayStream* stream);

    /// <summary>Runs <paramref name="sql"/> (which reads the view <paramref name="view"/>) over the stream.</summary>
    public static void Run(DuckDBConnection staging, IArrowArrayStream source, string view, string sql)
    {
        var stream = CArrowArrayStream.Create();
        try
        {
            CArrowArrayStreamExporter.ExportArrayStream(source, stream);
            if (duckdb_arrow_scan(staging.NativeConnection.DangerousGetHandle(), view, stream) != 0)
                throw new InvalidOperationException($"duckdb_arrow_scan failed for view {view}");
            try
            {
                using var cmd = staging.CreateCommand();
                cmd.CommandText = sql;
                cmd.ExecuteNonQuery();
            }
            finally
            {
                using var drop = staging.CreateCommand();
                drop.CommandText = $"DROP VIEW IF EXISTS {view}";
                drop.ExecuteNonQuery();
            }
        }
        finally
        {
            CArrowArrayStream.Free(stream);
        }
    }
}

/// <summary>
/// Wraps an Arrow file reader: keeps the contract's columns only (first of each name; extra columns are ignored),
/// appends <c>_row</c> (1-based row number in the file, so every rejection can name its row) and, when a pseudonymiser
/// is given (persons), the keyed hashes of the identifiers. Every batch is checked before anything reads its buffers
/// (<see cref="ArrowBatchCheck"/>): a corrupt file whose lengths or offsets point outside its buffers would otherwise
/// make DuckDB (or the pseudonymiser) read outside memory and kill the process. A failed check is kept in
/// <see cref="Failure"/> (the C stream only carries an error code to DuckDB) and thrown by the loader. After a failure
/// the reader is never asked again: DuckDB's threads may each pull once more before the error cancels the scan, and
/// Apache.Arrow re-reading a corrupt file after it has thrown once can allocate without bound (fuzz case 908: 15 GB).
/// Pulls are serialised, as the reader is not thread-safe.
/// </summary>
sealed class NumberedStream(ArrowFileReader reader, ContractFile file, Pseudonymiser? pseudonymiser) : IArrowArrayStream
{
    readonly SemaphoreSlim gate = new(1, 1);
    long next = 1;
    bool ended;
    Schema? schema;
    int[]? keep;

    public long Rows => next - 1;

    /// <summary>Why the file was refused while DuckDB pulled its batches (null if it was not).</summary>
    public SnapshotRejectedException? Failure { get; private set; }

    public Schema Schema => schema ??= Extend(reader.Schema);

    Schema Extend(Schema s)
    {
        var fields = s.FieldsList;
        keep = file.Columns.Select(c => fields.Select((f, i) => (f, i)).FirstOrDefault(x => x.f.Name == c.Name, (null!, -1)).Item2).Where(i => i >= 0).ToArray();
        var b = new Schema.Builder();
        foreach (var i in keep) b.Field(fields[i]);
        b.Field(f => f.Name("_row").DataType(Int64Type.Default).Nullable(false));
        if (pseudonymiser is not null)
        {
            b.Field(f => f.Name("citizen_key").DataType(StringType.Default));
            b.Field(f => f.Name("insurance_key").DataType(StringType.Default));
            b.Field(f => f.Name("name_key").DataType(StringType.Default));
            b.Field(f => f.Name("citizen_id_kind").DataType(Int8Type.Default));
        }
        return b.Build();
    }

    public async ValueTask<RecordBatch> ReadNextRecordBatchAsync(CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (Failure is not null) throw Failure;
            if (ended) return null!;
            var batch = await Next(cancellationToken);
            ended = batch is null;
            return batch!;
        }
        finally
        {
            gate.Release();
        }
    }

    async ValueTask<RecordBatch?> Next(CancellationToken cancellationToken)
    {
        RecordBatch? batch;
        try
        {
            batch = await reader.ReadNextRecordBatchAsync(cancellationToken);
        }
        catch (Exception e) when (ArrowBatchCheck.IsCorruptFile(e))
        {
            throw Fail(new SnapshotRejectedException(file.Name, null, next,
                "không đọc được khối dữ liệu của tệp Arrow (tệp bị cắt cụt hoặc hỏng).", e.Message, e));
        }
        if (batch is null) return null;
        var schema = Schema;
        var n = batch.Length;
        var arrays = new List<IArrowArray>(keep!.Length + 5);
        foreach (var i in keep)
        {
            var array = i < batch.ColumnCount ? batch.Column(i) : null;
            var problem = array is null ? "thiếu cột trong khối dữ liệu" : ArrowBatchCheck.Problem(array.Data, n);
            if (problem is not null)
                throw Fail(new SnapshotRejectedException(file.Name, reader.Schema.FieldsList[i].Name, next + ArrowBatchCheck.Row,
                    $"dữ liệu của cột bị hỏng: {problem}.", "corrupt Arrow buffers: " + problem));
            arrays.Add(array!);
        }
        var rows = new Int64Array.Builder().Reserve(n);
        for (var i = 0; i < n; i++) rows.Append(next + i);
        next += n;
        arrays.Add(rows.Build());
        if (pseudonymiser is not null) arrays.AddRange(Pseudonymise(batch, n));
        return new RecordBatch(schema, arrays, n);
    }

    SnapshotRejectedException Fail(SnapshotRejectedException e) => Failure ??= e;

    IEnumerable<IArrowArray> Pseudonymise(RecordBatch batch, int n)
    {
        var citizen = (StringArray)batch.Column("citizen_id");
        yield return pseudonymiser!.Keys(citizen, fold: false);
        yield return pseudonymiser.Keys((StringArray)batch.Column("insurance_id"), fold: false);
        yield return pseudonymiser.Keys((StringArray)batch.Column("full_name"), fold: true);
        var kinds = new Int8Array.Builder().Reserve(n);
        for (var i = 0; i < n; i++)
        {
            var bytes = citizen.GetBytes(i, out var isNull);
            if (isNull) kinds.AppendNull();
            else if (Pseudonymiser.Trimmed(bytes)) kinds.Append(Kind(bytes));
            else kinds.Append(citizen.GetString(i).Trim() is { } t && t.All(char.IsAsciiDigit) && t.Length is 12 or 9 ? (sbyte)t.Length : (sbyte)0);
        }
        yield return kinds.Build();
    }

    // 12 = CCCD, 9 = CMND, 0 = anything else (the value is trimmed already).
    static sbyte Kind(ReadOnlySpan<byte> id)
    {
        if (id.Length is not (12 or 9)) return 0;
        foreach (var b in id) if (b is < (byte)'0' or > (byte)'9') return 0;
        return (sbyte)id.Length;
    }

    public void Dispose()
    {
        reader.Dispose();
        gate.Dispose();
    }
}

/// <summary>
/// Checks one array of a batch before its buffers are read: length and offset against the batch, the validity bitmap,
/// fixed-width value buffers, and for strings the offsets (in range, non-decreasing, inside the data buffer) and UTF-8.
/// The contract's column types only (CheckSchema has refused the others).
/// </summary>
static class ArrowBatchCheck
{
    /// <summary>What Apache.Arrow throws reading a damaged file (its schema or a batch): the usual exceptions of a bad
    /// length or offset, and a bare <see cref="Exception"/> for a field type it does not know (fuzz case 1508: "Unexpected
    /// bit width of 0 for unsigned integer"). A refusal naming the file, never an escaped exception.</summary>
    public static bool IsCorruptFile(Exception e) =>
        e is IOException or InvalidDataException or InvalidOperationException or ArgumentException or OverflowException
            or IndexOutOfRangeException or NullReferenceException or NotSupportedException or FormatException or InvalidCastException
        || e.GetType() == typeof(Exception);

    /// <summary>0-based row (within the batch) of the last problem found.</summary>
    [ThreadStatic] public static long Row;

    /// <summary>Null when the array's buffers hold what its length says; otherwise the problem, in Vietnamese.</summary>
    public static string? Problem(ArrayData data, int batchLength)
    {
        Row = 0;
        if (data.Length != batchLength || data.Length < 0 || data.Offset < 0 || (long)data.Offset + data.Length > int.MaxValue)
            return $"độ dài {data.Length} khác số dòng của khối {batchLength}";
        var end = (long)data.Offset + data.Length;
        if (data.NullCount < 0 || data.NullCount > data.Length) return $"số giá trị trống {data.NullCount} không hợp lệ";
        var buffers = data.Buffers;
        if (buffers.Length < 2) return "thiếu vùng đệm dữ liệu";
        // A bitmap that is there must cover the rows; one is needed when the array says it has nulls.
        if ((data.NullCount != 0 || !buffers[0].IsEmpty) && buffers[0].Length < (end + 7) / 8)
            return "vùng đánh dấu giá trị trống quá ngắn";
        switch (data.DataType)
        {
            case BooleanType:
                return buffers[1].Length < (end + 7) / 8 ? "vùng giá trị quá ngắn" : null;
            case StringType:
            {
                if (buffers.Length < 3) return "thiếu vùng ký tự";
                var offsets = MemoryMarshal.Cast<byte, int>(buffers[1].Span);
                if (offsets.Length < end + 1) return "vùng vị trí (offsets) quá ngắn";
                var chars = buffers[2].Span;
                var validity = buffers[0].Span;
                for (var i = data.Offset; i < end; i++)
                {
                    Row = i - data.Offset;
                    int start = offsets[i], stop = offsets[i + 1];
                    if (start < 0 || stop < start || stop > chars.Length) return "vị trí chuỗi (offsets) nằm ngoài vùng ký tự";
                    var isNull = data.NullCount != 0 && (validity[i >> 3] & (1 << (i & 7))) == 0;
                    if (!isNull && !System.Text.Unicode.Utf8.IsValid(chars[start..stop])) return "chuỗi không phải UTF-8 hợp lệ";
                }
                Row = 0;
                return null;
            }
            case TimestampType ts:
            {
                if (buffers[1].Length < end * 8) return "vùng giá trị quá ngắn";
                // DuckDB keeps microseconds in 64 bits: a value that overflows them cannot be stored (fuzz case 265).
                var limit = ts.Unit switch { TimeUnit.Second => long.MaxValue / 1_000_000, TimeUnit.Millisecond => long.MaxValue / 1_000, _ => long.MaxValue };
                var values = MemoryMarshal.Cast<byte, long>(buffers[1].Span);
                var validity = buffers[0].Span;
                for (var i = data.Offset; i < end; i++)
                {
                    var isNull = data.NullCount != 0 && (validity[i >> 3] & (1 << (i & 7))) == 0;
                    if (isNull || (values[i] <= limit && values[i] >= -limit)) continue;
                    Row = i - data.Offset;
                    return "thời điểm nằm ngoài khoảng lưu được";
                }
                return null;
            }
            case FixedWidthType fixedWidth:
                return buffers[1].Length < end * (fixedWidth.BitWidth / 8) ? "vùng giá trị quá ngắn" : null;
            default:
                return $"kiểu {data.DataType.Name} không được hỗ trợ";
        }
    }
}
