using System.Security.Cryptography;
using System.Text;
using Apache.Arrow;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;

namespace HoSoSucKhoe.Tests.Loading;

/// <summary>
/// The loader keys a batch's identifiers column by column (<see cref="Pseudonymiser.Keys"/>, sixteen messages at a time
/// in AVX-512 lanes where the processor has them): every key must be the one <see cref="Pseudonymiser.Hash"/> gives
/// for the value alone, itself the first half of the HMAC-SHA256 of the trimmed UTF-8 text (RFC 2104), blanks and
/// odd white space included, so warehouses loaded before keep matching.
/// </summary>
public sealed class PseudonymiserTests
{
    const string Key = "test-key-0123456789";

    static string Reference(string key, string value) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value.Trim()))[..16]);

    static StringArray Column(IEnumerable<string?> values)
    {
        var b = new StringArray.Builder();
        foreach (var v in values) b.Append(v);
        return b.Build();
    }

    static List<string?> Read(StringArray keys) => [.. Enumerable.Range(0, keys.Length).Select(i => keys.GetString(i))];

    [Fact]
    public void HashIsTheHmacOfTheTrimmedValue()
    {
        var p = new Pseudonymiser(Key);
        Assert.Equal(Reference(Key, "079123456789"), p.Hash("079123456789"));
        Assert.Equal(Reference(Key, "079123456789"), p.Hash("  079123456789\t"));
        Assert.Null(p.Hash(null));
        Assert.Null(p.Hash(" \u00a0\u3000"));
    }

    [Fact]
    public void LanesGiveTheRfc4231Macs()
    {
        // RFC 4231 test cases 1, 2 and 6 (a 131-byte key, hashed first), the first 16 bytes of each MAC.
        var cases = new (byte[] Key, string Data, string Mac)[]
        {
            (Enumerable.Repeat((byte)0x0b, 20).ToArray(), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b"),
            (Encoding.ASCII.GetBytes("Jefe"), "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c7"),
            (Enumerable.Repeat((byte)0xaa, 131).ToArray(), "Test Using Larger Than Block-Size Key - Hash Key First", "60e431591ee0b67f0d8a26aacbf5b77f"),
        };
        if (!HmacLanes.Supported) return;   // the loader then hashes one value at a time (the other tests cover it)
        foreach (var (key, data, mac) in cases)
        {
            var hex = new byte[3 * 32];
            var batch = new HmacLanes.Batch(new HmacLanes(key), hex);
            batch.Add(Encoding.ASCII.GetBytes(data), 2);
            batch.Flush();
            Assert.Equal(mac, Encoding.ASCII.GetString(hex, 64, 32));
            Assert.All(hex[..64], b => Assert.Equal(0, b));
        }
    }

    [Fact]
    public void ColumnKeysEqualOneValueAtATime()
    {
        var p = new Pseudonymiser(Key);
        var rng = new Random(15);
        var odd = new[]
        {
            null, "", " ", "\t\n", "\u00a0", "\u3000", " 079123456789 ", "\u00a0079123456789", "079123456789\u3000",
            "\u0085x", "x\u001c", "\u001cx", "Nguyễn Thị Ánh", "  Trần   Văn  Đức ", "đ", "\u0301", "ab\u0000cd",
            new string('9', 55), new string('9', 56), new string('9', 200), "Nguyễn " + new string('a', 60),
            "ĐẶNG THỊ HỒNG NHUNG", "Lê\u00a0Văn\u00a0Tám", "e\u0301", "079 123 456 789",
        };
        string Random()
        {
            const string alphabet = "0123456789 abcxyzĐđăâêôơưÁàảãạ\t";
            var chars = new char[rng.Next(0, 70)];
            for (var i = 0; i < chars.Length; i++) chars[i] = alphabet[rng.Next(alphabet.Length)];
            return new string(chars);
        }
        // 10.007 values: several 4096-row chunks, a last lane batch part full, each odd value many times over.
        var values = Enumerable.Range(0, 10_007).Select(i => i % 7 == 0 ? odd[i / 7 % odd.Length] : Random()).ToList();
        var column = Column(values);

        Assert.Equal(values.Select(p.Hash), Read(p.Keys(column, fold: false)));
        Assert.Equal(values.Select(v => Text.Fold(v) is { Length: > 0 } f ? p.Hash(f) : null), Read(p.Keys(column, fold: true)));
        Assert.Equal(values.Select(v => string.IsNullOrWhiteSpace(v) ? null : Reference(Key, v)), Read(p.Keys(column, fold: false)));

        var keys = p.Keys(column, fold: false);
        Assert.Equal(values.Count(string.IsNullOrWhiteSpace), keys.NullCount);
    }
}
