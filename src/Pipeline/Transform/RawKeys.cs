namespace SpotifyWorker.Pipeline.Transform;

/// <summary>Which raw keys are inputs: <c>&lt;prefix&gt;&lt;entity&gt;/**.csv</c> or <c>.csv.gz</c>.</summary>
public static class RawKeys
{
    public static bool TryGetEntity(string rawPrefix, string key, out Entity entity)
    {
        entity = default;
        if (!key.StartsWith(rawPrefix, StringComparison.Ordinal) || !IsCsv(key)) return false;
        var rest = key.AsSpan(rawPrefix.Length);
        var slash = rest.IndexOf('/');
        return slash > 0 && Entities.TryParse(rest[..slash].ToString(), out entity);
    }

    public static bool IsCsv(string key) =>
        key.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || IsGzip(key);

    public static bool IsGzip(string key) => key.EndsWith(".csv.gz", StringComparison.OrdinalIgnoreCase);
}
