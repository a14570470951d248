using System.Globalization;
using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Manifest;

/// <summary>Keys of the lake's data files (the same on a local folder and in S3).</summary>
public static class LakeLayout
{
    public const string SilverPrefix = "silver/";
    public const string QuarantinePrefix = "quarantine/";
    public const string GoldPrefix = "gold/spotify_tracks/";

    /// <summary>Prefixes that hold only committed data files; anything there that no commit names is garbage.</summary>
    public static readonly IReadOnlyList<string> DataPrefixes = [SilverPrefix, QuarantinePrefix, GoldPrefix];

    public static string Silver(Entity entity, long batch) =>
        $"{SilverPrefix}{entity.Name()}/batch={batch.ToString(CultureInfo.InvariantCulture)}/part-{Guid.NewGuid():N}.parquet";

    /// <summary>A compacted silver base written by compaction commit <paramref name="seq"/>.</summary>
    public static string SilverCompacted(Entity entity, long seq) =>
        $"{SilverPrefix}{entity.Name()}/compact={seq.ToString(CultureInfo.InvariantCulture)}/part-{Guid.NewGuid():N}.parquet";

    public static string Quarantine(Entity entity, long batch) =>
        $"{QuarantinePrefix}{entity.Name()}/batch={batch.ToString(CultureInfo.InvariantCulture)}/part-{Guid.NewGuid():N}.parquet";

    /// <summary>The batch a silver or quarantine file belongs to, from its <c>batch=&lt;seq&gt;</c> folder.</summary>
    public static long? BatchOf(string key)
    {
        var start = key.IndexOf("/batch=", StringComparison.Ordinal);
        if (start < 0) return null;
        start += "/batch=".Length;
        var end = key.IndexOf('/', start);
        return long.TryParse(key.AsSpan(start, (end < 0 ? key.Length : end) - start), NumberStyles.None, CultureInfo.InvariantCulture, out var batch) ? batch : null;
    }

    public static string Gold(int releaseYear, string fileName) =>
        $"{GoldPrefix}release_year={releaseYear.ToString(CultureInfo.InvariantCulture)}/{fileName}";
}
