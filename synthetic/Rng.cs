namespace HoSoSucKhoe.Synthetic;

/// <summary>
/// xoshiro256** seeded through SplitMix64. A value type so a person's generator lives on the stack; streams are
/// derived from (seed, key) so every person, record and visit draws the same numbers whatever the thread
/// scheduling and whatever the snapshot being written.
/// </summary>
internal struct Rng
{
    ulong _s0, _s1, _s2, _s3;

    public Rng(ulong seed)
    {
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    /// <summary>An independent stream for a sub-key (stream id, visit index …).</summary>
    public static Rng Derive(ulong seed, ulong key) => new(Mix(seed ^ Mix(key + 0x9E3779B97F4A7C15UL)));

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    static ulong SplitMix(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    public ulong NextULong()
    {
        var result = RotL(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotL(_s3, 45);
        return result;
    }

    static ulong RotL(ulong x, int k) => (x << k) | (x >> (64 - k));

    /// <summary>Uniform in [0, 1).</summary>
    public double Uniform() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [lo, hi).</summary>
    public double Uniform(double lo, double hi) => lo + (hi - lo) * Uniform();

    /// <summary>Uniform integer in [lo, hi).</summary>
    public int Int(int lo, int hi) => lo + (int)((NextULong() >> 33) % (ulong)(hi - lo));

    public bool Chance(double p) => Uniform() < p;

    public double Normal()
    {
        // Box–Muller; one value per call keeps the stream layout simple.
        var u1 = 1.0 - Uniform();
        var u2 = Uniform();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public double Normal(double mean, double sd) => mean + sd * Normal();

    public double Exponential(double mean) => -mean * Math.Log(1.0 - Uniform());

    public T Pick<T>(IReadOnlyList<T> items) => items[Int(0, items.Count)];

    /// <summary>Index drawn with probability proportional to cumulative weights (last element = total).</summary>
    public int PickCumulative(ReadOnlySpan<double> cumulative)
    {
        var x = Uniform() * cumulative[^1];
        var lo = 0;
        var hi = cumulative.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (cumulative[mid] > x) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    public string Digits(int count)
    {
        Span<char> chars = stackalloc char[count];
        for (var i = 0; i < count; i++) chars[i] = (char)('0' + Int(0, 10));
        return new string(chars);
    }
}
