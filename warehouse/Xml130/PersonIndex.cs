using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace HoSoSucKhoe.Warehouse.Xml130;

/// <summary>The rule that linked an episode to a health record (docs/xml130.md, "Matching").</summary>
public enum MatchRule : byte { None = 0, CitizenId = 1, InsuranceCard = 2, NameBirthCommune = 3 }

/// <summary>What an episode says about its person: the keys it is matched by.</summary>
internal readonly record struct Identity(string? CitizenId, IReadOnlyList<string> Cards, string? Name, DateOnly? BirthDate,
    short BirthYear);

/// <summary>
/// The records of the --persons snapshot, indexed three ways: citizen id; the stable part of the insurance card (its last
/// 10 characters, the BHXH number, unchanged when the card is renewed or its group changes); folded name + birth date
/// (or year, when only the year is known) + commune. A candidate scores 4 for the citizen id, 2 for a card and 1 for
/// name + birth + commune; the highest score wins, its strongest part names the rule, and a tie goes to the record
/// listed first (counted as ambiguous). Keys are kept as UTF-8 bytes (no string per record) and found by a 64-bit
/// hash; a candidate counts only when its key bytes are equal, so a hash collision never links the wrong record.
/// </summary>
internal sealed class PersonIndex
{
    readonly KeyTable _recordIds = new(indexed: false), _citizen = new(indexed: true), _card = new(indexed: true), _name = new(indexed: true);

    public int Count => _recordIds.Count;
    public string RecordId(int index) => _recordIds.String(index);

    public static PersonIndex Read(string personsArrow)
    {
        var index = new PersonIndex();
        using var reader = new ArrowFileReader(File.OpenRead(personsArrow));
        Span<char> chars = stackalloc char[KeyChars];
        while (reader.ReadNextRecordBatch() is { } batch)
            using (batch)
            {
                var id = (StringArray)batch.Column("record_id");
                var citizen = (StringArray)batch.Column("citizen_id");
                var card = (StringArray)batch.Column("insurance_id");
                var name = (StringArray)batch.Column("full_name");
                var year = (Int16Array)batch.Column("birth_year");
                var date = (Date32Array)batch.Column("birth_date");
                var ward = (StringArray)batch.Column("ward_code");
                for (var i = 0; i < batch.Length; i++)
                {
                    var r = index.Count;
                    index._recordIds.Add(r, Decode(id, i, chars));
                    index._citizen.Add(r, Clean(Decode(citizen, i, chars)));
                    index._card.Add(r, Stable(Decode(card, i, chars)));
                    DateOnly? birth = date.IsNull(i) ? null : DateOnly.FromDayNumber(Epoch + date.GetValue(i)!.Value);
                    var folded = name.IsNull(i) ? "" : Text.Fold(name.GetString(i));
                    index._name.Add(r, NameKey(folded, birth, year.GetValue(i) ?? 0, ward.IsNull(i) ? null : ward.GetString(i), chars));
                }
            }
        return index;
    }

    static readonly int Epoch = new DateOnly(1970, 1, 1).DayNumber;

    /// <summary>Longest key handled on the stack; longer values (never seen: ids are ~15 characters) use the heap.</summary>
    const int KeyChars = 512;

    static ReadOnlySpan<char> Decode(StringArray column, int row, Span<char> buffer)
    {
        if (column.IsNull(row)) return default;
        var bytes = column.GetBytes(row);
        return bytes.Length <= buffer.Length ? buffer[..Encoding.UTF8.GetChars(bytes, buffer)] : column.GetString(row);
    }

    /// <summary>The best record for an episode whose commune resolved to <paramref name="ward"/>, or -1.</summary>
    public (int Record, MatchRule Rule, bool Ambiguous) Match(in Identity who, string? ward)
    {
        Span<(int Record, int Score)> found = stackalloc (int, int)[16];
        var candidates = new Candidates(found);
        _citizen.Walk(Clean(who.CitizenId), 4, ref candidates);
        foreach (var card in StableCards(who)) _card.Walk(card, 2, ref candidates);
        var folded = Text.Fold(who.Name);
        Span<char> key = stackalloc char[KeyChars];
        if (who.BirthDate is not null) _name.Walk(NameKey(folded, who.BirthDate, who.BirthYear, ward, key), 1, ref candidates);
        _name.Walk(NameKey(folded, null, who.BirthYear, ward, key), 1, ref candidates);
        int best = -1, bestScore = 0, tied = 0;
        foreach (var (r, score) in candidates.All)
        {
            if (score > bestScore) { best = r; bestScore = score; tied = 1; }
            else if (score == bestScore) { tied++; if (r < best) best = r; }
        }
        if (best < 0) return (-1, MatchRule.None, false);
        var rule = bestScore >= 4 ? MatchRule.CitizenId : bestScore >= 2 ? MatchRule.InsuranceCard : MatchRule.NameBirthCommune;
        return (best, rule, tied > 1);
    }

    /// <summary>Who an unmatched visitor is, for counting people rather than episodes.</summary>
    public static string IdentityKey(in Identity who, string? ward, string encounterId)
    {
        if (Clean(who.CitizenId) is { IsEmpty: false } c) return "C" + new string(c);
        foreach (var s in StableCards(who)) return "B" + s;
        Span<char> key = stackalloc char[KeyChars];
        return NameKey(Text.Fold(who.Name), who.BirthDate, who.BirthYear, ward, key) is { IsEmpty: false } n ? "N" + new string(n)
            : "L" + encounterId;
    }

    static IEnumerable<string> StableCards(Identity who) =>
        who.Cards.Select(c => new string(Stable(c))).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal);

    /// <summary>Folded name | yyyyMMdd (or the year) | commune; empty when the name, the commune or the year is missing.</summary>
    static ReadOnlySpan<char> NameKey(string folded, DateOnly? birth, short year, string? ward, Span<char> buffer)
    {
        if (folded.Length == 0 || ward is null || year == 0) return default;
        if (folded.Length + ward.Length + 16 > buffer.Length) buffer = new char[folded.Length + ward.Length + 16];
        folded.CopyTo(buffer);
        var n = folded.Length;
        buffer[n++] = '|';
        var ok = birth is { } b
            ? b.TryFormat(buffer[n..], out var written, "yyyyMMdd", CultureInfo.InvariantCulture)
            : year.TryFormat(buffer[n..], out written, default, CultureInfo.InvariantCulture);
        if (!ok) throw new InvalidOperationException("name key buffer");
        n += written;
        buffer[n++] = '|';
        ward.CopyTo(buffer[n..]);
        return buffer[..(n + ward.Length)];
    }

    static ReadOnlySpan<char> Clean(ReadOnlySpan<char> s) => s.Trim();

    /// <summary>The BHXH number: the last 10 characters of a 15-character card, or a bare 10-digit number.</summary>
    internal static ReadOnlySpan<char> Stable(ReadOnlySpan<char> card)
    {
        card = Clean(card);
        return card.Length < 10 ? default : card[^10..];
    }

    /// <summary>The candidates of one match and their scores (a handful: one person, a few namesakes).</summary>
    ref struct Candidates(Span<(int Record, int Score)> buffer)
    {
        Span<(int Record, int Score)> _items = buffer;
        int _count;

        public readonly ReadOnlySpan<(int Record, int Score)> All => _items[.._count];

        public void Add(int record, int score)
        {
            for (var i = 0; i < _count; i++)
                if (_items[i].Record == record) { _items[i].Score += score; return; }
            if (_count == _items.Length)
            {
                var more = new (int, int)[_items.Length * 2];
                _items.CopyTo(more);
                _items = more;
            }
            _items[_count++] = (record, score);
        }
    }

    /// <summary>One key per record (UTF-8 bytes in one array, empty = none) and, when indexed, the records of each key
    /// hash chained through <see cref="_next"/>.</summary>
    sealed class KeyTable(bool indexed)
    {
        readonly Dictionary<ulong, int>? _head = indexed ? [] : null;
        int[] _next = indexed ? new int[1024] : [], _start = new int[1025];
        byte[] _bytes = new byte[16_384];
        int _count;

        public int Count => _count;

        public void Add(int record, ReadOnlySpan<char> key)
        {
            if (record != _count) throw new InvalidOperationException("records are added in order");
            if (_count + 1 >= _start.Length) System.Array.Resize(ref _start, _start.Length * 2);
            var at = _start[_count];
            var max = Encoding.UTF8.GetMaxByteCount(key.Length);
            if (at + max > _bytes.Length) System.Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, at + max));
            var length = Encoding.UTF8.GetBytes(key, _bytes.AsSpan(at));
            _start[_count + 1] = at + length;
            if (_head is not null)
            {
                if (_count == _next.Length) System.Array.Resize(ref _next, _next.Length * 2);
                _next[_count] = -1;
                if (length > 0)
                {
                    var hash = Hash(_bytes.AsSpan(at, length));
                    if (_head.TryGetValue(hash, out var first)) _next[_count] = first;
                    _head[hash] = _count;
                }
            }
            _count++;
        }

        ReadOnlySpan<byte> Bytes(int record) => _bytes.AsSpan(_start[record], _start[record + 1] - _start[record]);

        public string String(int record) => Encoding.UTF8.GetString(Bytes(record));

        /// <summary>Adds <paramref name="score"/> to every record whose key is <paramref name="key"/>.</summary>
        public void Walk(ReadOnlySpan<char> key, int score, ref Candidates candidates)
        {
            if (key.IsEmpty) return;
            Span<byte> buffer = stackalloc byte[KeyChars * 3];
            var bytes = key.Length <= KeyChars ? buffer[..Encoding.UTF8.GetBytes(key, buffer)] : Encoding.UTF8.GetBytes(key.ToArray());
            if (!_head!.TryGetValue(Hash(bytes), out var r)) return;
            for (; r >= 0; r = _next[r])
                if (Bytes(r).SequenceEqual(bytes)) candidates.Add(r, score);
        }
    }

    /// <summary>A 64-bit hash of a key's bytes (not cryptographic; equal keys are verified byte for byte).</summary>
    internal static ulong Hash(ReadOnlySpan<byte> s)
    {
        var h = 0x9E3779B97F4A7C15UL ^ (ulong)s.Length;
        while (s.Length >= 8)
        {
            h = Mix(h ^ BinaryPrimitives.ReadUInt64LittleEndian(s));
            s = s[8..];
        }
        ulong tail = 0;
        for (var i = 0; i < s.Length; i++) tail |= (ulong)s[i] << (8 * i);
        return Mix(h ^ tail ^ 0xA5);
    }

    static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        x *= 0xC4CEB9FE1A85EC53UL;
        x ^= x >> 33;
        return x;
    }
}
