using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Warehouse.Xml130;

/// <summary>
/// Streams rows of one contract file into an Arrow IPC file, a record batch per 65,536 rows: values appended in column
/// order (string, short, sbyte, float, bool, DateOnly, or long Unix seconds for timestamps; null allowed), or copied
/// from a row of another file of the same contract.
/// </summary>
internal sealed class ContractTable : IDisposable
{
    const int BatchRows = 65_536;
    readonly Schema _schema;
    readonly IArrowArrayBuilder[] _builders;
    readonly FileStream _stream;
    readonly ArrowFileWriter _writer;
    int _rows;
    int _column;

    public string Path { get; }
    public long Rows { get; private set; }

    public ContractTable(ContractFile file, string path, Schema? schema = null)
    {
        Path = path;
        _schema = schema ?? file.ArrowSchema;
        _builders = _schema.FieldsList.Select(f => New(f.DataType)).ToArray();
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        _writer = new ArrowFileWriter(_stream, _schema, leaveOpen: true);
        _writer.WriteStart();
    }

    static IArrowArrayBuilder New(IArrowType t) => t switch
    {
        StringType => new StringArray.Builder(),
        Int16Type => new Int16Array.Builder(),
        Int8Type => new Int8Array.Builder(),
        Int32Type => new Int32Array.Builder(),
        FloatType => new FloatArray.Builder(),
        BooleanType => new BooleanArray.Builder(),
        Date32Type => new Date32Array.Builder(),
        TimestampType ts => new TimestampArray.Builder(ts),
        _ => throw new NotSupportedException(t.Name),
    };

    public ContractTable Add(object? value)
    {
        var b = _builders[_column++];
        switch (b)
        {
            case StringArray.Builder s: if (value is string v) s.Append(v); else s.AppendNull(); break;
            case Int16Array.Builder s: if (value is short v16) s.Append(v16); else s.AppendNull(); break;
            case Int8Array.Builder s: if (value is sbyte v8) s.Append(v8); else s.AppendNull(); break;
            case Int32Array.Builder s: if (value is int v32) s.Append(v32); else s.AppendNull(); break;
            case FloatArray.Builder s: if (value is float f) s.Append(f); else s.AppendNull(); break;
            case BooleanArray.Builder s: if (value is bool x) s.Append(x); else s.AppendNull(); break;
            case Date32Array.Builder s: if (value is DateOnly d) s.Append(d); else s.AppendNull(); break;
            case TimestampArray.Builder s: if (value is long t) s.Append(DateTimeOffset.FromUnixTimeSeconds(t)); else s.AppendNull(); break;
        }
        return this;
    }

    /// <summary>Appends row <paramref name="row"/> of <paramref name="batch"/>, whose columns have this file's names.</summary>
    public void Copy(RecordBatch batch, int row)
    {
        foreach (var field in _schema.FieldsList)
        {
            var a = batch.Column(field.Name);
            Add(a.IsNull(row) ? null : a switch
            {
                StringArray s => s.GetString(row),
                Int16Array s => s.GetValue(row),
                Int8Array s => s.GetValue(row),
                Int32Array s => s.GetValue(row),
                FloatArray s => s.GetValue(row),
                BooleanArray s => s.GetValue(row),
                Date32Array s => s.GetDateOnly(row),
                TimestampArray s => s.GetTimestamp(row)!.Value.ToUnixTimeSeconds(),
                _ => throw new NotSupportedException(a.Data.DataType.Name),
            });
        }
        EndRow();
    }

    /// <summary>Writes <paramref name="batch"/> whole (its columns reordered to this file's) when every column has this
    /// file's type; false, and nothing written, otherwise. Rows appended before are flushed first, so order is kept.</summary>
    public bool TryWriteBatch(RecordBatch batch)
    {
        var arrays = new IArrowArray[_schema.FieldsList.Count];
        for (var c = 0; c < arrays.Length; c++)
        {
            var field = _schema.FieldsList[c];
            var index = batch.Schema.GetFieldIndex(field.Name);
            if (index < 0 || !SameType(batch.Schema.FieldsList[index].DataType, field.DataType)) return false;
            arrays[c] = batch.Column(index);
        }
        Flush();
        _writer.WriteRecordBatch(new RecordBatch(_schema, arrays, batch.Length));
        Rows += batch.Length;
        return true;
    }

    static bool SameType(IArrowType a, IArrowType b) =>
        a.TypeId == b.TypeId && (a is not TimestampType ta || b is TimestampType tb && ta.Unit == tb.Unit && ta.Timezone == tb.Timezone);

    public void EndRow()
    {
        if (_column != _builders.Length) throw new InvalidOperationException($"row of {_column} values, {_builders.Length} columns");
        _column = 0;
        Rows++;
        if (++_rows == BatchRows) Flush();
    }

    void Flush()
    {
        if (_rows == 0) return;
        var arrays = _builders.Select(Build).ToList();
        using var batch = new RecordBatch(_schema, arrays, _rows);
        _writer.WriteRecordBatch(batch);
        _rows = 0;
    }

    static IArrowArray Build(IArrowArrayBuilder b)
    {
        IArrowArray a = b switch
        {
            StringArray.Builder s => s.Build(),
            Int16Array.Builder s => s.Build(),
            Int8Array.Builder s => s.Build(),
            Int32Array.Builder s => s.Build(),
            FloatArray.Builder s => s.Build(),
            BooleanArray.Builder s => s.Build(),
            Date32Array.Builder s => s.Build(),
            TimestampArray.Builder s => s.Build(),
            _ => throw new NotSupportedException(),
        };
        switch (b)
        {
            case StringArray.Builder s: s.Clear(); break;
            case Int16Array.Builder s: s.Clear(); break;
            case Int8Array.Builder s: s.Clear(); break;
            case Int32Array.Builder s: s.Clear(); break;
            case FloatArray.Builder s: s.Clear(); break;
            case BooleanArray.Builder s: s.Clear(); break;
            case Date32Array.Builder s: s.Clear(); break;
            case TimestampArray.Builder s: s.Clear(); break;
        }
        return a;
    }

    public void Finish()
    {
        Flush();
        _writer.WriteEnd();
        _writer.Dispose();
        _stream.Dispose();
    }

    public void Dispose()
    {
        _writer.Dispose();
        _stream.Dispose();
    }
}
