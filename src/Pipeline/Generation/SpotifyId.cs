namespace SpotifyWorker.Pipeline.Generation;

/// <summary>
/// Spotify-style ids: 22 base62 characters. 62^22 exceeds 2^128, so a 128-bit hash of (seed, kind, index)
/// maps to a distinct id for all practical purposes and needs no table of issued ids.
/// </summary>
internal static class SpotifyId
{
    public const int Length = 22;
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string For(ulong seed, Salt kind, long index)
    {
        var value = new UInt128(Seeds.Hash(seed, kind, index, 1), Seeds.Hash(seed, kind, index, 2));
        return string.Create(Length, value, static (chars, v) =>
        {
            for (var i = chars.Length - 1; i >= 0; i--)
            {
                chars[i] = Alphabet[(int)(v % 62)];
                v /= 62;
            }
        });
    }
}
