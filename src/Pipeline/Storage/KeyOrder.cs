namespace SpotifyWorker.Pipeline.Storage;

/// <summary>
/// Orders keys by Unicode code point, which is the UTF-8 byte order S3 lists in. Plain ordinal string
/// comparison differs for characters above U+FFFF (surrogates sort before U+E000..U+FFFF in UTF-16), and
/// "latest wins" depends on every backend agreeing on which file comes later.
/// </summary>
public sealed class KeyOrder : IComparer<string>
{
    public static readonly KeyOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            if (x[i] != y[i]) return CodePointRank(x[i]) - CodePointRank(y[i]);
        }
        return x.Length - y.Length;
    }

    // Moves surrogates above U+E000..U+FFFF so that UTF-16 units compare like code points.
    private static int CodePointRank(char c) => c < 0xD800 ? c : c >= 0xE000 ? c - 0x800 : c + 0x2000;
}
