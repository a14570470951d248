using System.Globalization;
using SpotifyWorker.Pipeline.DuckDb;

namespace SpotifyWorker.Pipeline.Tests.TestSupport;

/// <summary>A row of spotify_tracks for fixtures; release_year is not a column of the file (it is the folder).</summary>
internal sealed record GoldRow(
    string TrackId,
    string ArtistId,
    string AlbumId,
    int Year,
    bool? Explicit = false,
    int DurationMs = 200_000,
    int TrackPopularity = 50,
    string AlbumType = "album",
    string? Label = "label",
    int AlbumPopularity = 50,
    string ArtistName = "artist",
    int ArtistPopularity = 50,
    long Followers = 100,
    string[]? Genres = null)
{
    /// <summary>A SELECT producing the rows with the gold file's column types (release_year excluded).</summary>
    public static string Select(IEnumerable<GoldRow> rows) => string.Join(" UNION ALL ", rows.Select(r => r.ToSql()));

    private string ToSql()
    {
        var genres = Genres is null || Genres.Length == 0 ? "CAST([] AS VARCHAR[])" : DuckDbSession.List(Genres);
        return $"""
            SELECT {Text(TrackId)} AS track_id, {Text("name " + TrackId)} AS track_name, CAST(1 AS INTEGER) AS track_number,
                CAST({Int(DurationMs)} AS INTEGER) AS duration_ms, CAST({Int(TrackPopularity)} AS INTEGER) AS track_popularity,
                CAST({(Explicit is null ? "NULL" : Explicit.Value ? "true" : "false")} AS BOOLEAN) AS explicit,
                {Text(AlbumId)} AS album_id, {Text("album " + AlbumId)} AS album_name, {Text(AlbumType)} AS album_type, {Text(Label)} AS label,
                CAST(10 AS INTEGER) AS total_tracks, CAST({Int(AlbumPopularity)} AS INTEGER) AS album_popularity,
                CAST('{Int(Year)}-01-01' AS DATE) AS release_date, 'year' AS release_date_precision,
                {Text(ArtistId)} AS artist_id, {Text(ArtistName)} AS artist_name, CAST({Int(ArtistPopularity)} AS INTEGER) AS artist_popularity,
                CAST({Followers.ToString(CultureInfo.InvariantCulture)} AS BIGINT) AS followers, {genres} AS genres
            """;
    }

    private static string Text(string? value) => value is null ? "CAST(NULL AS VARCHAR)" : DuckDbSession.Literal(value);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
