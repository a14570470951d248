namespace SpotifyWorker.Pipeline.Transform;

/// <summary>How the worker reads one raw key: an input of <see cref="Entity"/>, or not an input for <see cref="Reason"/>.</summary>
public sealed record RawKeyClass(Entity? Entity, string? Reason)
{
    public static RawKeyClass Input(Entity entity) => new(entity, null);

    public static RawKeyClass NotInput(string reason) => new(null, reason);
}

/// <summary>
/// Which raw keys are inputs, and of which entity. A <c>.csv</c> or <c>.csv.gz</c> under
/// <c>&lt;prefix&gt;&lt;entity&gt;/</c> is an input of that folder's entity, whatever its name. Anywhere else under the
/// prefix (the root, or a folder that is not an entity name) the file name decides: it is an input when exactly one
/// entity word (artist/artists, album/albums, track/tracks, any case) is among its words, split on <c>-</c>,
/// <c>_</c>, <c>.</c> and spaces, which is how the Kaggle download names its files
/// (<c>spotify-albums_data_2023.csv</c>). deploy/glue/spotify_etl.py <c>entity_of</c> is this rule in Python.
/// </summary>
public static class RawKeys
{
    private static readonly char[] WordSeparators = ['-', '_', '.', ' '];

    public static bool TryGetEntity(string rawPrefix, string key, out Entity entity)
    {
        var found = Classify(rawPrefix, key).Entity;
        entity = found ?? default;
        return found is not null;
    }

    public static RawKeyClass Classify(string rawPrefix, string key)
    {
        if (!key.StartsWith(rawPrefix, StringComparison.Ordinal)) return RawKeyClass.NotInput($"not under the raw prefix {rawPrefix}");
        if (!IsCsv(key)) return RawKeyClass.NotInput("not a .csv or .csv.gz file");
        var rest = key[rawPrefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && Entities.TryParse(rest[..slash], out var folder)) return RawKeyClass.Input(folder);
        return FromFileName(rest[(rest.LastIndexOf('/') + 1)..]);
    }

    public static bool IsCsv(string key) =>
        key.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || IsGzip(key);

    public static bool IsGzip(string key) => key.EndsWith(".csv.gz", StringComparison.OrdinalIgnoreCase);

    private static RawKeyClass FromFileName(string name)
    {
        var stem = name[..^(IsGzip(name) ? ".csv.gz".Length : ".csv".Length)];
        var words = stem.ToLowerInvariant().Split(WordSeparators, StringSplitOptions.RemoveEmptyEntries);
        var named = Entities.All.Where(e => words.Any(w => w == e.Name() || w == e.Name()[..^1])).ToList();
        return named switch
        {
            [var entity] => RawKeyClass.Input(entity),
            [_, _, ..] => RawKeyClass.NotInput(
                $"the name says {string.Join(" and ", named.Select(e => e.Name()))}: rename it or put it in one entity folder ({string.Join(", ", named.Select(e => e.Name() + "/"))})"),
            _ when words.Contains("features") => RawKeyClass.NotInput("audio features: not a source of the gold table"),
            _ when words is ["spotify", "data", ..] => RawKeyClass.NotInput(
                "the merged Kaggle file: the worker joins the artist, album and track files itself"),
            _ => RawKeyClass.NotInput("the name says none of artist(s), album(s), track(s) and it is in no entity folder: rename it or move it into artists/, albums/ or tracks/"),
        };
    }
}
