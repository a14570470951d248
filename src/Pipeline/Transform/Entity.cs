namespace SpotifyWorker.Pipeline.Transform;

/// <summary>The three raw sources of the Kaggle "Spotify Dataset 2023".</summary>
public enum Entity
{
    Artists,
    Albums,
    Tracks,
}

/// <summary>Names, keys and the columns the transform needs from each raw entity.</summary>
public static class Entities
{
    public static readonly IReadOnlyList<Entity> All = [Entity.Artists, Entity.Albums, Entity.Tracks];

    /// <summary>Lower-case name used in keys, tables and SQL file names.</summary>
    public static string Name(this Entity entity) => entity switch
    {
        Entity.Artists => "artists",
        Entity.Albums => "albums",
        Entity.Tracks => "tracks",
        _ => throw new ArgumentOutOfRangeException(nameof(entity), entity, null),
    };

    public static bool TryParse(string name, out Entity entity)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name(), name, StringComparison.OrdinalIgnoreCase))
            {
                entity = candidate;
                return true;
            }
        }
        entity = default;
        return false;
    }

    /// <summary>The key column of each entity; the latest version of a key wins.</summary>
    public static string KeyColumn(this Entity entity) => entity == Entity.Albums ? "track_id" : "id";

    /// <summary>
    /// Header columns a raw file must have. Other Kaggle columns (artist_genres, artists, artist_0..11,
    /// duration_sec) may be present and are ignored; column order is free.
    /// </summary>
    public static IReadOnlyList<string> RequiredColumns(this Entity entity) => entity switch
    {
        Entity.Artists => ArtistColumns,
        Entity.Albums => AlbumColumns,
        Entity.Tracks => TrackColumns,
        _ => throw new ArgumentOutOfRangeException(nameof(entity), entity, null),
    };

    private static readonly string[] ArtistColumns =
        ["id", "name", "artist_popularity", "followers", "genre_0", "genre_1", "genre_2", "genre_3", "genre_4", "genre_5", "genre_6"];

    private static readonly string[] AlbumColumns =
        ["track_id", "track_name", "track_number", "duration_ms", "album_type", "total_tracks", "album_name", "release_date", "label", "album_popularity", "album_id", "artist_id"];

    private static readonly string[] TrackColumns = ["id", "track_popularity", "explicit"];
}
