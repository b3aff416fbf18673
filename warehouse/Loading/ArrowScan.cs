using System.Runtime.InteropServices;
using Apache.Arrow;
using Apache.Arrow.C;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using DuckDB.NET.Data;

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
/// Wraps an Arrow file reader: appends <c>_row</c> (1-based row number in the file, so every rejection can name
/// its row) and, when a pseudonymiser is given (persons), the keyed hashes of the identifiers.
/// </summary>
sealed class NumberedStream(ArrowFileReader reader, Pseudonymiser? pseudonymiser) : IArrowArrayStream
{
    long next = 1;
    Schema? schema;

    public long Rows => next - 1;

    public Schema Schema => schema ??= Extend(reader.Schema);

    Schema Extend(Schema s)
    {
        var b = new Schema.Builder();
        foreach (var f in s.FieldsList) b.Field(f);
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
        var batch = await reader.ReadNextRecordBatchAsync(cancellationToken);
        if (batch is null) return null!;
        var n = batch.Length;
        var arrays = new List<IArrowArray>(batch.Arrays);
        var rows = new Int64Array.Builder().Reserve(n);
        for (var i = 0; i < n; i++) rows.Append(next + i);
        next += n;
        arrays.Add(rows.Build());
        if (pseudonymiser is not null) arrays.AddRange(Pseudonymise(batch, n));
        return new RecordBatch(Schema, arrays, n);
    }

    IEnumerable<IArrowArray> Pseudonymise(RecordBatch batch, int n)
    {
        var citizen = (StringArray)batch.Column("citizen_id");
        var insurance = (StringArray)batch.Column("insurance_id");
        var name = (StringArray)batch.Column("full_name");
        var ck = new string?[n];
        var ik = new string?[n];
        var nk = new string?[n];
        var kind = new sbyte?[n];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var c = citizen.GetString(i);
            ck[i] = pseudonymiser!.Hash(c);
            kind[i] = c is null ? null : c.Trim() is { } t && t.All(char.IsAsciiDigit) && t.Length is 12 or 9 ? (sbyte)t.Length : (sbyte)0;
            ik[i] = pseudonymiser.Hash(insurance.GetString(i));
            var folded = Text.Fold(name.GetString(i));
            nk[i] = folded.Length == 0 ? null : pseudonymiser.Hash(folded);
        });
        yield return Strings(ck);
        yield return Strings(ik);
        yield return Strings(nk);
        var kb = new Int8Array.Builder().Reserve(n);
        foreach (var k in kind) kb.Append(k);
        yield return kb.Build();
    }

    static StringArray Strings(string?[] values)
    {
        var b = new StringArray.Builder();
        foreach (var v in values) b.Append(v);
        return b.Build();
    }

    public void Dispose() => reader.Dispose();
}
