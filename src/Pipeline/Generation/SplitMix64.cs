namespace SpotifyWorker.Pipeline.Generation;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014). Our own generator because System.Random's seeded sequence is not
/// promised to stay the same across .NET versions, and generated files must be byte-identical for a seed.
/// A generator is cheap to create, so every decision seeds its own from <see cref="Seeds"/> instead of
/// sharing one stream: that makes row i computable without generating rows 0..i-1.
/// </summary>
internal struct SplitMix64(ulong state)
{
    private ulong _state = state;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        return Seeds.Finalize(z);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="maxExclusive"/>); the bias of the multiply-shift is below 2^-32.</summary>
    public int Below(int maxExclusive) => (int)(((Next() >> 32) * (ulong)maxExclusive) >> 32);

    /// <summary>Uniform in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int Between(int min, int max) => min + Below(max - min + 1);

    public bool Chance(double probability) => NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Below(items.Count)];
}

/// <summary>
/// Derives independent generators from (seed, purpose, index, version). Each purpose has its own salt so
/// that, say, whether a key is updated in drop 3 does not correlate with its popularity.
/// </summary>
internal static class Seeds
{
    public static SplitMix64 For(ulong seed, Salt salt, long index, long version = 0) => new(Hash(seed, salt, index, version));

    public static ulong Hash(ulong seed, Salt salt, long index, long version = 0)
    {
        var h = Finalize(seed ^ ((ulong)salt * 0xD1B54A32D192ED03UL));
        h = Finalize(h + (ulong)index);
        return Finalize(h ^ ((ulong)version * 0x9E3779B97F4A7C15UL));
    }

    /// <summary>The SplitMix64 output mix (a variant of MurmurHash3's fmix64).</summary>
    public static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>One salt per independent decision; values are fixed forever because files depend on them.</summary>
internal enum Salt : ulong
{
    ArtistId = 1,
    AlbumId = 2,
    TrackId = 3,
    ArtistBase = 10,
    ArtistVersion = 11,
    AlbumShape = 20,
    AlbumBase = 21,
    AlbumVersion = 22,
    TrackBase = 30,
    TrackVersion = 31,
    ArtistArrival = 40,
    AlbumArrival = 41,
    TrackArrival = 42,
    ArtistUpdate = 50,
    AlbumUpdate = 51,
    TrackUpdate = 52,
    StaleTwin = 60,
    StaleShift = 61,
    Orphan = 70,
    Altered = 80,
}
