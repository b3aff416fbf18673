using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;

namespace HoSoSucKhoe.Warehouse.Loading;

/// <summary>
/// HMAC-SHA256 of short messages, sixteen at a time in the lanes of AVX-512 registers (FIPS 180-4, RFC 2104). The
/// key's inner and outer states are computed once, so a message of at most <see cref="MaxMessage"/> bytes costs two
/// compressions, shared by sixteen messages; OpenSSL through <see cref="IncrementalHash"/> costs ≈ 0,5 µs a call here,
/// most of it the call itself. Gives the first 16 bytes of the MAC, as <see cref="Pseudonymiser.Hash"/> does.
/// </summary>
sealed class HmacLanes
{
    /// <summary>Messages hashed together.</summary>
    public const int Lanes = 16;

    /// <summary>Longest message that fits one block after the key's (55 bytes, then the 0x80 byte and the length).</summary>
    public const int MaxMessage = 55;

    /// <summary>Whether this processor has the instructions (without them the loader hashes one message at a time).</summary>
    public static bool Supported => Avx512F.IsSupported;

    static readonly uint[] K =
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    static readonly uint[] Iv = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

    readonly uint[] inner;
    readonly uint[] outer;

    public HmacLanes(byte[] key)
    {
        var k = key.Length > 64 ? SHA256.HashData(key) : key;
        inner = KeyState(k, 0x36);
        outer = KeyState(k, 0x5c);
    }

    // The state after the first block of the inner (ipad) or outer (opad) hash: the key XOR the pad, computed once.
    static uint[] KeyState(byte[] key, byte pad)
    {
        Span<byte> block = stackalloc byte[64];
        block.Fill(pad);
        for (var i = 0; i < key.Length; i++) block[i] ^= key[i];
        var state = (uint[])Iv.Clone();
        Span<uint> w = stackalloc uint[64];
        for (var t = 0; t < 16; t++) w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(t * 4)..]);
        for (var t = 16; t < 64; t++)
        {
            uint s0 = uint.RotateRight(w[t - 15], 7) ^ uint.RotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint s1 = uint.RotateRight(w[t - 2], 17) ^ uint.RotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
        for (var t = 0; t < 64; t++)
        {
            var t1 = h + (uint.RotateRight(e, 6) ^ uint.RotateRight(e, 11) ^ uint.RotateRight(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
            var t2 = (uint.RotateRight(a, 2) ^ uint.RotateRight(a, 13) ^ uint.RotateRight(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }
        state[0] += a; state[1] += b; state[2] += c; state[3] += d; state[4] += e; state[5] += f; state[6] += g; state[7] += h;
        return state;
    }

    // One SHA-256 compression of sixteen blocks: state and the 16 message words, lane i of each vector the block i.
    static void Compress(Span<Vector512<uint>> state, Span<Vector512<uint>> w)
    {
        Vector512<uint> a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
        for (var t = 0; t < 64; t++)
        {
            Vector512<uint> wt;
            if (t < 16) wt = w[t];
            else
            {
                var w15 = w[(t - 15) & 15];
                var w2 = w[(t - 2) & 15];
                var s0 = Avx512F.TernaryLogic(Avx512F.RotateRight(w15, 7), Avx512F.RotateRight(w15, 18), Avx512F.ShiftRightLogical(w15, 3), 0x96);
                var s1 = Avx512F.TernaryLogic(Avx512F.RotateRight(w2, 17), Avx512F.RotateRight(w2, 19), Avx512F.ShiftRightLogical(w2, 10), 0x96);
                wt = w[t & 15] = w[t & 15] + s0 + w[(t - 7) & 15] + s1;
            }
            // 0x96: x ^ y ^ z; 0xCA: choose (e ? f : g); 0xE8: majority.
            var t1 = h + Avx512F.TernaryLogic(Avx512F.RotateRight(e, 6), Avx512F.RotateRight(e, 11), Avx512F.RotateRight(e, 25), 0x96)
                       + Avx512F.TernaryLogic(e, f, g, 0xCA) + Vector512.Create(K[t]) + wt;
            var t2 = Avx512F.TernaryLogic(Avx512F.RotateRight(a, 2), Avx512F.RotateRight(a, 13), Avx512F.RotateRight(a, 22), 0x96)
                     + Avx512F.TernaryLogic(a, b, c, 0xE8);
            h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }
        state[0] += a; state[1] += b; state[2] += c; state[3] += d; state[4] += e; state[5] += f; state[6] += g; state[7] += h;
    }

    /// <summary>
    /// Gathers messages of one thread and hashes them sixteen at a time; each key is written as 32 lower-case hex
    /// digits at its slot (slot × 32) of the output. Not thread-safe: one per thread.
    /// </summary>
    public sealed class Batch(HmacLanes mac, byte[] hex)
    {
        readonly byte[] blocks = new byte[Lanes * 64];
        readonly int[] slots = new int[Lanes];
        int count;

        /// <summary>Adds a message of at most <see cref="MaxMessage"/> bytes whose key goes to <paramref name="slot"/>.</summary>
        public void Add(ReadOnlySpan<byte> message, int slot)
        {
            var block = blocks.AsSpan(count * 64, 64);
            block.Clear();
            message.CopyTo(block);
            block[message.Length] = 0x80;
            BinaryPrimitives.WriteUInt32BigEndian(block[60..], (uint)(64 + message.Length) * 8);
            slots[count++] = slot;
            if (count == Lanes) Flush();
        }

        /// <summary>Hashes the messages gathered so far.</summary>
        public void Flush()
        {
            if (count == 0) return;
            Span<Vector512<uint>> w = stackalloc Vector512<uint>[16];
            Span<Vector512<uint>> s = stackalloc Vector512<uint>[8];
            Span<uint> lane = stackalloc uint[Lanes];
            for (var t = 0; t < 16; t++)
            {
                for (var l = 0; l < Lanes; l++) lane[l] = BinaryPrimitives.ReadUInt32BigEndian(blocks.AsSpan(l * 64 + t * 4, 4));
                w[t] = Vector512.Create<uint>(lane);
            }
            for (var i = 0; i < 8; i++) s[i] = Vector512.Create(mac.inner[i]);
            Compress(s, w);
            // The outer hash's second block: the inner digest, 0x80, zeros, and the length of 64 + 32 bytes in bits.
            for (var i = 0; i < 8; i++) w[i] = s[i];
            w[8] = Vector512.Create(0x80000000u);
            for (var i = 9; i < 15; i++) w[i] = Vector512<uint>.Zero;
            w[15] = Vector512.Create(768u);
            for (var i = 0; i < 8; i++) s[i] = Vector512.Create(mac.outer[i]);
            Compress(s, w);
            Span<uint> words = stackalloc uint[4 * Lanes];
            for (var j = 0; j < 4; j++) s[j].CopyTo(words[(j * Lanes)..]);
            Span<byte> digest = stackalloc byte[16];
            for (var l = 0; l < count; l++)
            {
                for (var j = 0; j < 4; j++) BinaryPrimitives.WriteUInt32BigEndian(digest[(j * 4)..], words[j * Lanes + l]);
                Convert.TryToHexStringLower(digest, hex.AsSpan(slots[l] * 32, 32), out _);
            }
            count = 0;
        }
    }
}
