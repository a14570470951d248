using static SpotifyWorker.Pipeline.Generation.Vocabulary;

namespace SpotifyWorker.Pipeline.Generation;

/// <summary>
/// Artist names, titles, album names, labels and genres. Most are plain; a few per mille carry what breaks
/// naive CSV and list handling (commas, double quotes, apostrophes, embedded newlines), so that every
/// generated drop exercises the quoting paths of the reader.
/// </summary>
internal static class Names
{
    private static readonly string[] Syllables =
        ["ka", "lo", "mi", "ra", "ven", "tor", "ly", "na", "zu", "el", "an", "dre", "sa", "mo", "ri", "ta", "ne", "co", "xo", "yu"];

    public static string Artist(ref SplitMix64 rng)
    {
        var roll = rng.Below(1000);
        return roll switch
        {
            < 400 => $"{rng.Pick(FirstNames)} {rng.Pick(LastNames)}",
            < 520 => $"{rng.Pick(Adjectives)} {rng.Pick(Nouns)}",
            < 600 => $"The {rng.Pick(Adjectives)} {rng.Pick(Nouns)}",
            < 700 => Capitalize(MadeUpWord(ref rng)),
            < 760 => rng.Pick(Asian),
            < 800 => $"{rng.Pick(Emoji)} {rng.Pick(Adjectives)} {rng.Pick(Emoji)}",
            < 830 => $"{rng.Pick(LastNames)}, {rng.Pick(FirstNames)}",
            < 850 => $"{rng.Pick(FirstNames)}, {rng.Pick(FirstNames)} & {rng.Pick(FirstNames)}",
            < 870 => $"{rng.Pick(FirstNames)} \"{rng.Pick(Adjectives)}\" {rng.Pick(LastNames)}",
            < 890 => $"{rng.Pick(Adjectives)} N' {rng.Pick(Nouns)}",
            < 895 => $"{rng.Pick(Adjectives)}\n{rng.Pick(Nouns)}",
            < 950 => $"DJ {rng.Pick(FirstNames)}",
            _ => $"{rng.Pick(FirstNames)} {rng.Pick(LastNames)} & The {rng.Pick(Nouns)}",
        };
    }

    public static string Track(ref SplitMix64 rng)
    {
        var roll = rng.Below(1000);
        var title = roll switch
        {
            < 300 => rng.Pick(TitleWords),
            < 550 => $"{rng.Pick(TitleWords)} {rng.Pick(TitleWords)}",
            < 700 => $"{rng.Pick(Adjectives)} {rng.Pick(TitleWords)}",
            < 800 => $"{rng.Pick(TitleWords)} of {rng.Pick(Nouns)}",
            < 850 => Capitalize(MadeUpWord(ref rng)),
            < 890 => rng.Pick(Asian),
            < 910 => $"{rng.Pick(TitleWords)} {rng.Pick(Emoji)}",
            < 935 => $"Yes, {rng.Pick(TitleWords)}",
            < 950 => $"The \"{rng.Pick(TitleWords)}\" Song",
            < 960 => $"Don't Stop the {rng.Pick(TitleWords)}",
            < 963 => $"{rng.Pick(TitleWords)}\n{rng.Pick(TitleWords)}",
            _ => $"{rng.Pick(TitleWords)} {rng.Pick(TitleWords)} {rng.Pick(TitleWords)}",
        };
        return rng.Chance(0.08) ? title + rng.Pick(TitleSuffixes) : title;
    }

    public static string Album(ref SplitMix64 rng)
    {
        var roll = rng.Below(1000);
        return roll switch
        {
            < 10 => "",
            < 400 => Track(ref rng),
            < 600 => $"{rng.Pick(Adjectives)} {rng.Pick(Nouns)}",
            < 700 => $"Vol. {rng.Between(1, 12)}",
            < 780 => $"Greatest Hits, Vol. {rng.Between(1, 4)}",
            < 850 => $"{rng.Pick(TitleWords)} (Deluxe Edition)",
            _ => $"The {rng.Pick(TitleWords)} Sessions",
        };
    }

    public static string Label(ref SplitMix64 rng)
    {
        var roll = rng.Below(100);
        return roll switch
        {
            < 5 => "",
            < 75 => rng.Pick(Labels),
            < 90 => $"{rng.Pick(Adjectives)} {rng.Pick(Nouns)} Records",
            _ => $"{rng.Pick(LastNames)} Music",
        };
    }

    /// <summary>0 to 7 distinct genres; about a quarter of artists have none, as in the Kaggle file.</summary>
    public static string[] GenresOf(ref SplitMix64 rng)
    {
        var roll = rng.Below(100);
        var count = roll switch { < 25 => 0, < 45 => 1, < 60 => 2, < 72 => 3, < 82 => 4, < 90 => 5, < 96 => 6, _ => 7 };
        var picked = new List<string>(count);
        while (picked.Count < count)
        {
            var genre = rng.Pick(Genres);
            if (!picked.Contains(genre)) picked.Add(genre);
        }
        return [.. picked];
    }

    private static string MadeUpWord(ref SplitMix64 rng)
    {
        var count = rng.Between(2, 4);
        var word = "";
        for (var i = 0; i < count; i++) word += rng.Pick(Syllables);
        return word;
    }

    private static string Capitalize(string word) => char.ToUpperInvariant(word[0]) + word[1..];
}
