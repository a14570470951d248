namespace SpotifyWorker.Pipeline.Tests.TestSupport;

/// <summary>Tiny raw files in the Kaggle layout, for hand-written cases.</summary>
public static class Csv
{
    public const string ArtistHeader = "id,name,artist_popularity,artist_genres,followers,genre_0,genre_1,genre_2,genre_3,genre_4,genre_5,genre_6";
    public const string AlbumHeader = "track_name,track_id,track_number,duration_ms,album_type,artists,total_tracks,album_name,release_date,label,album_popularity,album_id,artist_id,artist_0,artist_1,artist_2,artist_3,artist_4,artist_5,artist_6,artist_7,artist_8,artist_9,artist_10,artist_11,duration_sec";
    public const string TrackHeader = "id,track_popularity,explicit";

    public static string Artist(string id, string name = "Artist", int popularity = 50, long followers = 1000, params string[] genres)
    {
        var cells = Enumerable.Range(0, 7).Select(i => i < genres.Length ? genres[i] : "");
        return $"{id},{name},{popularity},\"[{string.Join(", ", genres.Select(g => "'" + g + "'"))}]\",{followers},{string.Join(",", cells)}";
    }

    public static string Album(string trackId, string artistId, string releaseDate = "2020-01-01", string trackName = "Song", string albumName = "Album", int popularity = 40, string albumType = "album", string label = "Label") =>
        $"{trackName},{trackId},1,200000,{albumType},\"['x']\",10,{albumName},{releaseDate},{label},{popularity},alb-{trackId},{artistId},x,,,,,,,,,,,,200.0";

    public static string Track(string id, int popularity = 60, string @explicit = "false") => $"{id},{popularity},{@explicit}";

    public static string File(string header, params string[] rows) => header + "\n" + string.Join("\n", rows) + "\n";
}
