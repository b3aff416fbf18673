using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace HoSoSucKhoe.Tests.Synthetic;

/// <summary>Reads an Arrow IPC file into plain rows (column → value) for checks independent of the generator.</summary>
internal static class ArrowRows
{
    public static List<Dictionary<string, object?>> Read(string path)
    {
        using var reader = new ArrowFileReader(File.OpenRead(path));
        var names = reader.Schema.FieldsList.Select(f => f.Name).ToArray();
        var rows = new List<Dictionary<string, object?>>();
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            using (batch)
                for (var i = 0; i < batch.Length; i++)
                {
                    var row = new Dictionary<string, object?>(names.Length);
                    for (var c = 0; c < names.Length; c++) row[names[c]] = Value(batch.Column(c), i);
                    rows.Add(row);
                }
        }
        return rows;
    }

    static object? Value(IArrowArray array, int i) => array.IsNull(i) ? null : array switch
    {
        StringArray s => s.GetString(i),
        Int16Array a => a.GetValue(i),
        Int8Array a => a.GetValue(i),
        Date32Array a => a.GetDateOnly(i),
        BooleanArray a => a.GetValue(i),
        FloatArray a => a.GetValue(i),
        TimestampArray a => DateTime.UnixEpoch.AddSeconds(a.GetValue(i)!.Value),
        _ => throw new NotSupportedException(array.GetType().Name),
    };
}
