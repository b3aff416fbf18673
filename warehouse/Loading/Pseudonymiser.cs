using System.Security.Cryptography;
using System.Text;
using Apache.Arrow;

namespace HoSoSucKhoe.Warehouse.Loading;

/// <summary>
/// Keyed HMAC-SHA256 of personal identifiers: equal ids give equal keys within one warehouse (so duplicates and
/// follow-up across snapshots still work) while the ids themselves never reach the warehouse file.
/// </summary>
public sealed class Pseudonymiser
{
    readonly byte[] key;
    readonly HmacLanes? lanes;

    public Pseudonymiser(string key)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length < 16)
            throw new ArgumentException("Khoá bí danh hoá phải có ít nhất 16 ký tự. (pseudonymisation key must be at least 16 characters)", nameof(key));
        this.key = Encoding.UTF8.GetBytes(key);
        hmac = new ThreadLocal<IncrementalHash>(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, this.key));
        lanes = HmacLanes.Supported ? new HmacLanes(this.key) : null;
    }

    /// <summary>Identifies the key without revealing it; stored in the warehouse so a later load with another key is refused.</summary>
    public string Fingerprint => Hash("hssk-key-fingerprint")!;

    // One keyed HMAC per thread: re-keying on every call (HMACSHA256.HashData) cost most of the persons load.
    readonly ThreadLocal<IncrementalHash> hmac;

    /// <summary>The key of an identifier (trimmed; null when missing or blank): the first 16 bytes of the MAC, in hex.</summary>
    public string? Hash(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        Span<byte> hex = stackalloc byte[32];
        HashText(value, hex);
        return Encoding.ASCII.GetString(hex);
    }

    void HashText(string value, Span<byte> hex)
    {
        var text = value.AsSpan().Trim();
        Span<byte> utf8 = text.Length <= 128 ? stackalloc byte[text.Length * 3] : new byte[text.Length * 3];
        var n = Encoding.UTF8.GetBytes(text, utf8);
        HashBytes(utf8[..n], hex);
    }

    void HashBytes(ReadOnlySpan<byte> utf8, Span<byte> hex)
    {
        Span<byte> mac = stackalloc byte[32];
        var h = hmac.Value!;
        h.AppendData(utf8);
        h.GetHashAndReset(mac);
        Convert.TryToHexStringLower(mac[..16], hex, out _);
    }

    /// <summary>
    /// The keys of a whole column, each equal to <see cref="Hash"/> of its value (of <see cref="Text.Fold"/> of it with
    /// <paramref name="fold"/>; an empty folded name has no key). Short values are hashed sixteen at a time
    /// (<see cref="HmacLanes"/>), both cores each on its own rows.
    /// </summary>
    internal StringArray Keys(StringArray values, bool fold)
    {
        const int chunk = 4096;   // a multiple of 8: each thread writes whole bytes of the validity bitmap
        var n = values.Length;
        var hex = new byte[n * 32];
        var valid = new byte[(n + 7) / 8];
        var nulls = 0;
        Parallel.For(0, (n + chunk - 1) / chunk, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, part =>
        {
            var batch = lanes is null ? null : new HmacLanes.Batch(lanes, hex);
            var buffer = new byte[3 * HmacLanes.MaxMessage];
            var missing = 0;
            for (int i = part * chunk, end = Math.Min(n, i + chunk); i < end; i++)
            {
                var message = values.GetBytes(i, out var isNull);
                if (isNull) { missing++; continue; }
                if (fold || !Trimmed(message))
                {
                    // A name is folded first; any other value with white space (perhaps not ASCII) at an end, or blank,
                    // is trimmed as Hash trims it.
                    var text = (fold ? Text.Fold(values.GetString(i)) : values.GetString(i)).AsSpan().Trim();
                    if (text.IsEmpty) { missing++; continue; }
                    if (buffer.Length < text.Length * 3) buffer = new byte[text.Length * 3];
                    message = buffer.AsSpan(0, Encoding.UTF8.GetBytes(text, buffer));
                }
                valid[i >> 3] |= (byte)(1 << (i & 7));
                if (batch is null || message.Length > HmacLanes.MaxMessage) HashBytes(message, hex.AsSpan(i * 32, 32));
                else batch.Add(message, i);
            }
            batch?.Flush();
            Interlocked.Add(ref nulls, missing);
        });
        var offsets = new ArrowBuffer.Builder<int>(n + 1);
        for (var i = 0; i <= n; i++) offsets.Append(i * 32);   // a missing key's slot holds 32 unused bytes
        return new StringArray(n, offsets.Build(), new ArrowBuffer(hex), new ArrowBuffer(valid), nulls, 0);
    }

    /// <summary>Whether UTF-8 text starts and ends with a printable ASCII character, so trimming it changes nothing.</summary>
    internal static bool Trimmed(ReadOnlySpan<byte> utf8) =>
        utf8.Length > 0 && utf8[0] is > 0x20 and < 0x80 && utf8[^1] is > 0x20 and < 0x80;

    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
