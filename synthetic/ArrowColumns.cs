using System.Runtime.InteropServices;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace HoSoSucKhoe.Synthetic;

/// <summary>Validity bitmap shared by the column builders; empty (no buffer) when a batch has no nulls.</summary>
internal sealed class Validity
{
    byte[] _bits = new byte[128];
    public int NullCount { get; private set; }

    public void Set(int index, bool valid)
    {
        if ((index >> 3) >= _bits.Length) System.Array.Resize(ref _bits, _bits.Length * 2);
        if (valid) _bits[index >> 3] |= (byte)(1 << (index & 7));
        else NullCount++;
    }

    public ArrowBuffer Take(int length)
    {
        var buffer = NullCount == 0 ? ArrowBuffer.Empty : new ArrowBuffer(_bits.AsMemory(0, (length + 7) / 8));
        _bits = new byte[128];
        NullCount = 0;
        return buffer;
    }
}

internal abstract class ColumnBuilder
{
    protected readonly Validity Valid = new();
    public int Length { get; protected set; }
    public abstract IArrowArray Build();
}

/// <summary>UTF-8 strings written straight into the Arrow data and offsets buffers.</summary>
internal sealed class Utf8Column : ColumnBuilder
{
    byte[] _data = new byte[4096];
    int[] _offsets = new int[257];
    int _bytes;

    public void Append(string? value)
    {
        if (Length + 2 > _offsets.Length) System.Array.Resize(ref _offsets, _offsets.Length * 2);
        if (value is not null)
        {
            var max = Encoding.UTF8.GetMaxByteCount(value.Length);
            if (_bytes + max > _data.Length) System.Array.Resize(ref _data, Math.Max(_data.Length * 2, _bytes + max));
            _bytes += Encoding.UTF8.GetBytes(value, _data.AsSpan(_bytes));
        }
        Valid.Set(Length, value is not null);
        _offsets[++Length] = _bytes;
    }

    public override IArrowArray Build()
    {
        var offsets = MemoryMarshal.AsBytes(_offsets.AsSpan(0, Length + 1)).ToArray();
        var nulls = Valid.NullCount;
        var array = new StringArray(Length, new ArrowBuffer(offsets), new ArrowBuffer(_data.AsMemory(0, _bytes)),
            Valid.Take(Length), nulls, 0);
        _data = new byte[Math.Max(4096, _bytes)];
        _offsets = new int[Math.Max(257, Length + 1)];
        _bytes = 0;
        Length = 0;
        return array;
    }
}

/// <summary>Fixed-width values (int8, int16, int32 days, int64 seconds, float).</summary>
internal sealed class FixedColumn<T>(IArrowType type) : ColumnBuilder where T : unmanaged
{
    T[] _values = new T[256];

    public void Append(T value) => Add(value, true);
    public void AppendNull() => Add(default, false);
    public void Append(T? value)
    {
        if (value is { } v) Add(v, true); else Add(default, false);
    }

    void Add(T value, bool valid)
    {
        if (Length == _values.Length) System.Array.Resize(ref _values, _values.Length * 2);
        _values[Length] = value;
        Valid.Set(Length, valid);
        Length++;
    }

    public override IArrowArray Build()
    {
        var bytes = new ArrowBuffer(MemoryMarshal.AsBytes(_values.AsSpan(0, Length)).ToArray());
        var nulls = Valid.NullCount;
        var validity = Valid.Take(Length);
        IArrowArray array = type switch
        {
            Int8Type => new Int8Array(bytes, validity, Length, nulls, 0),
            Int16Type => new Int16Array(bytes, validity, Length, nulls, 0),
            Date32Type => new Date32Array(bytes, validity, Length, nulls, 0),
            FloatType => new FloatArray(bytes, validity, Length, nulls, 0),
            TimestampType ts => new TimestampArray(ts, bytes, validity, Length, nulls, 0),
            _ => throw new NotSupportedException(type.Name),
        };
        Length = 0; // the values were copied into the batch, so the array is reused
        return array;
    }
}

internal sealed class BoolColumn : ColumnBuilder
{
    byte[] _bits = new byte[128];

    public void Append(bool? value)
    {
        if ((Length >> 3) >= _bits.Length) System.Array.Resize(ref _bits, _bits.Length * 2);
        if (value == true) _bits[Length >> 3] |= (byte)(1 << (Length & 7));
        Valid.Set(Length, value is not null);
        Length++;
    }

    public override IArrowArray Build()
    {
        var nulls = Valid.NullCount;
        var array = new BooleanArray(new ArrowBuffer(_bits.AsMemory(0, (Length + 7) / 8)), Valid.Take(Length), Length, nulls, 0);
        _bits = new byte[128];
        Length = 0;
        return array;
    }
}
