using System.Security.Cryptography;
using System.Text;

namespace HoSoSucKhoe.Warehouse.Loading;

/// <summary>
/// Keyed HMAC-SHA256 of personal identifiers: equal ids give equal keys within one warehouse (so duplicates and
/// follow-up across snapshots still work) while the ids themselves never reach the warehouse file.
/// </summary>
public sealed class Pseudonymiser
{
    readonly byte[] key;

    public Pseudonymiser(string key)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length < 16)
            throw new ArgumentException("Khoá bí danh hoá phải có ít nhất 16 ký tự. (pseudonymisation key must be at least 16 characters)", nameof(key));
        this.key = Encoding.UTF8.GetBytes(key);
        hmac = new ThreadLocal<IncrementalHash>(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, this.key));
    }

    /// <summary>Identifies the key without revealing it; stored in the warehouse so a later load with another key is refused.</summary>
    public string Fingerprint => Hash("hssk-key-fingerprint")!;

    // One keyed HMAC per thread: re-keying on every call (HMACSHA256.HashData) cost most of the persons load.
    readonly ThreadLocal<IncrementalHash> hmac;

    public string? Hash(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var text = value.AsSpan().Trim();
        Span<byte> utf8 = text.Length <= 128 ? stackalloc byte[text.Length * 3] : new byte[text.Length * 3];
        var n = Encoding.UTF8.GetBytes(text, utf8);
        Span<byte> mac = stackalloc byte[32];
        var h = hmac.Value!;
        h.AppendData(utf8[..n]);
        h.GetHashAndReset(mac);
        return Convert.ToHexStringLower(mac[..16]);
    }

    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
