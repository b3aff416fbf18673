using System.Buffers.Binary;

namespace HoSoSucKhoe.Warehouse.Xml130;

/// <summary>
/// Joins two Arrow IPC files of the same schema into one without decoding a value: the first file's bytes up to the end
/// of its last record batch (magic, schema message, batches) are copied as they are when the splice is made, the second
/// file's record batch messages are appended by <see cref="Finish"/>, and a footer listing all the batches is written,
/// with the first file's schema. Neither file may hold dictionary batches (no contract column is dictionary-encoded).
/// </summary>
internal sealed class ArrowSplice
{
    static ReadOnlySpan<byte> Magic => "ARROW1"u8;

    /// <summary>A message of an IPC file, as its footer lists it.</summary>
    readonly record struct Block(long Offset, int MetaLength, long BodyLength)
    {
        public long End => Offset + MetaLength + BodyLength;
    }

    sealed record Footer(byte[] Bytes, short Version, int SchemaAt, List<Block> Dictionaries, List<Block> Batches);

    readonly Stream _output;
    readonly Footer _first;
    readonly List<Block> _blocks;
    long _position;

    /// <summary>Copies the batches of <paramref name="first"/> into <paramref name="output"/> (at its start).</summary>
    public ArrowSplice(string first, Stream output)
    {
        _output = output;
        using var a = new FileStream(first, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        _first = ReadFooter(a);
        if (_first.Dictionaries.Count > 0) throw new InvalidDataException("dictionary batches");
        // The magic and the schema message come before the first batch, so everything up to the last batch's end is copied.
        var end = _first.Batches.Count > 0 ? _first.Batches.Max(x => x.End) : SchemaEnd(a);
        _blocks = [.. _first.Batches];
        _position = Copy(a, 0, end, output, 0);
    }

    /// <summary>Whether <paramref name="path"/> is an IPC file that can be spliced (a readable footer, no dictionaries).</summary>
    public static bool CanSplice(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            return ReadFooter(file).Dictionaries.Count == 0;
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentOutOfRangeException or EndOfStreamException) { return false; }
    }

    /// <summary>Appends the batches of <paramref name="second"/> (same schema) and the footer.</summary>
    public void Finish(string second)
    {
        using var b = new FileStream(second, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var footer = ReadFooter(b);
        if (footer.Dictionaries.Count > 0) throw new InvalidDataException("dictionary batches");
        foreach (var x in footer.Batches)
        {
            _position = Pad(_output, _position);
            _blocks.Add(x with { Offset = _position });
            _position = Copy(b, x.Offset, x.End, _output, _position);
        }
        _position = Pad(_output, _position);
        var bytes = BuildFooter(_first, _blocks);
        _output.Write(bytes);
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(tail, bytes.Length);
        _output.Write(tail);
        _output.Write(Magic);
    }

    static long Copy(FileStream from, long start, long end, Stream to, long position)
    {
        from.Position = start;
        var buffer = new byte[1 << 20];
        for (var left = end - start; left > 0;)
        {
            var n = from.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (n == 0) throw new InvalidDataException("truncated Arrow file");
            to.Write(buffer, 0, n);
            left -= n;
        }
        return position + end - start;
    }

    static long Pad(Stream output, long position)
    {
        var pad = (int)((8 - position % 8) % 8);
        if (pad > 0) output.Write(new byte[pad]);
        return position + pad;
    }

    /// <summary>The end of the schema message that follows the 8-byte magic (a file without batches).</summary>
    static long SchemaEnd(FileStream file)
    {
        Span<byte> head = stackalloc byte[8];
        file.Position = 8;
        file.ReadExactly(head);
        var continuation = BinaryPrimitives.ReadUInt32LittleEndian(head) == 0xFFFFFFFF;
        var length = BinaryPrimitives.ReadInt32LittleEndian(continuation ? head[4..] : head);
        return 8 + (continuation ? 8 : 4) + length;
    }

    static Footer ReadFooter(FileStream file)
    {
        var length = file.Length;
        Span<byte> tail = stackalloc byte[10];
        if (length < 8 + 10) throw new InvalidDataException("not an Arrow file");
        file.Position = length - 10;
        file.ReadExactly(tail);
        if (!tail[4..].SequenceEqual(Magic)) throw new InvalidDataException("not an Arrow file");
        var size = BinaryPrimitives.ReadInt32LittleEndian(tail);
        var start = length - 10 - size;
        if (size <= 0 || start < 8) throw new InvalidDataException("bad footer");
        var bytes = new byte[size];
        file.Position = start;
        file.ReadExactly(bytes);
        var f = new FlatTable(bytes, (int)U32(bytes, 0));
        return new Footer(bytes, f.Has(0) ? f.Short(0) : (short)0, f.Has(1) ? f.Target(1) : throw new InvalidDataException("no schema"),
            f.Has(2) ? Blocks(bytes, f.Target(2)) : [], f.Has(3) ? Blocks(bytes, f.Target(3)) : []);
    }

    static List<Block> Blocks(byte[] bytes, int vector)
    {
        var n = (int)U32(bytes, vector);
        var list = new List<Block>(n);
        for (var i = 0; i < n; i++)
        {
            var at = vector + 4 + 24 * i;
            list.Add(new Block(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at)), BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 8)),
                BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at + 16))));
        }
        return list;
    }

    /// <summary>
    /// A new footer flatbuffer (Arrow's File.fbs: table Footer { version, schema, dictionaries, recordBatches }): root
    /// offset, vtable, table, an empty dictionaries vector, the batches vector (24-byte Block structs, 8-aligned), then
    /// the first file's whole footer copied at an 8-aligned position, whose schema table the new one points forward to.
    /// </summary>
    static byte[] BuildFooter(Footer from, List<Block> blocks)
    {
        const int vtable = 4, table = 16, dictionaries = 36, batches = 44, elements = 48;
        var old = Align8(elements + 24 * blocks.Count);
        var bytes = new byte[old + from.Bytes.Length];
        var s = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(s, table);
        // vtable: its size, the table's size, then the offset of fields 0 (version), 1 (schema), 2, 3 in the table.
        ReadOnlySpan<ushort> v = [12, 20, 16, 4, 8, 12];
        for (var i = 0; i < v.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(s[(vtable + 2 * i)..], v[i]);
        BinaryPrimitives.WriteInt32LittleEndian(s[table..], table - vtable);
        BinaryPrimitives.WriteUInt32LittleEndian(s[(table + 4)..], (uint)(old + from.SchemaAt - (table + 4)));
        BinaryPrimitives.WriteUInt32LittleEndian(s[(table + 8)..], dictionaries - (table + 8));
        BinaryPrimitives.WriteUInt32LittleEndian(s[(table + 12)..], batches - (table + 12));
        BinaryPrimitives.WriteInt16LittleEndian(s[(table + 16)..], from.Version);
        BinaryPrimitives.WriteUInt32LittleEndian(s[dictionaries..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(s[batches..], (uint)blocks.Count);
        for (var i = 0; i < blocks.Count; i++)
        {
            var at = s[(elements + 24 * i)..];
            BinaryPrimitives.WriteInt64LittleEndian(at, blocks[i].Offset);
            BinaryPrimitives.WriteInt32LittleEndian(at[8..], blocks[i].MetaLength);
            BinaryPrimitives.WriteInt64LittleEndian(at[16..], blocks[i].BodyLength);
        }
        from.Bytes.CopyTo(s[old..]);
        return bytes;
    }

    static int Align8(int n) => (n + 7) & ~7;

    static uint U32(byte[] b, int at) => at >= 0 && at + 4 <= b.Length ? BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at)) : throw new InvalidDataException("bad footer");

    /// <summary>A flatbuffer table: its fields through its vtable.</summary>
    readonly struct FlatTable(byte[] bytes, int at)
    {
        readonly int _vtable = at - (int)U32(bytes, at);

        int Field(int i)
        {
            var size = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(_vtable));
            return 4 + 2 * i < size ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(_vtable + 4 + 2 * i)) : 0;
        }

        public bool Has(int i) => Field(i) != 0;
        public short Short(int i) => BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(at + Field(i)));
        public int Target(int i) => at + Field(i) + (int)U32(bytes, at + Field(i));
    }
}
