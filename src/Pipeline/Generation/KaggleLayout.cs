using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Generation;

/// <summary>Header columns and file names of the Kaggle "Spotify Dataset 2023" files, as the generator writes them.</summary>
public static class KaggleLayout
{
    public const int GenreColumns = 7;
    public const int ArtistNameColumns = 12;

    public static readonly IReadOnlyList<string> Artists =
        ["id", "name", "artist_popularity", "artist_genres", "followers", .. Numbered("genre_", GenreColumns)];

    public static readonly IReadOnlyList<string> Albums =
    [
        "track_name", "track_id", "track_number", "duration_ms", "album_type", "artists", "total_tracks",
        "album_name", "release_date", "label", "album_popularity", "album_id", "artist_id",
        .. Numbered("artist_", ArtistNameColumns), "duration_sec",
    ];

    public static readonly IReadOnlyList<string> Tracks = ["id", "track_popularity", "explicit"];

    public static IReadOnlyList<string> Header(Entity entity) => entity switch
    {
        Entity.Artists => Artists,
        Entity.Albums => Albums,
        Entity.Tracks => Tracks,
        _ => throw new ArgumentOutOfRangeException(nameof(entity), entity, null),
    };

    /// <summary>The name of the entity's file in the Kaggle download, without .csv (the albums file has a hyphen there).</summary>
    public static string FileStem(Entity entity) => entity switch
    {
        Entity.Artists => "spotify_artist_data_2023",
        Entity.Albums => "spotify-albums_data_2023",
        Entity.Tracks => "spotify_tracks_data_2023",
        _ => throw new ArgumentOutOfRangeException(nameof(entity), entity, null),
    };

    /// <summary>Position of a column in <see cref="Header"/>.</summary>
    public static int IndexOf(Entity entity, string column)
    {
        var index = Header(entity).ToList().IndexOf(column);
        return index >= 0 ? index : throw new ArgumentException($"{entity.Name()} has no column '{column}'", nameof(column));
    }

    private static IEnumerable<string> Numbered(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
