using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;
using static SpotifyWorker.Pipeline.Tests.Query.QueryTestSupport;

namespace SpotifyWorker.Pipeline.Tests.Query;

/// <summary>Each analytics view over the fixture of <see cref="QueryTestSupport.WriteFixture"/>, against numbers worked out by hand.</summary>
public sealed class AnalyticsViewTests : IDisposable
{
    private readonly ParquetLake _lake = new();
    private readonly ManifestState _state;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public AnalyticsViewTests() => _state = WriteFixture(_lake);

    public void Dispose() => _lake.Dispose();

    private async Task<IReadOnlyList<string>> RowsAsync(string sql) => Text(await Engine(_lake).QueryAsync(_state, sql, Ct));

    [Fact]
    public async Task TopArtistsByFollowers_Fixture_RanksByFollowersWithTrackCounts()
    {
        Assert.Equal(
            ["a1|Alpha|1000|80|3|1", "a2|Beta|500|60|1|2", "a3|Gamma|200|40|2|3"],
            await RowsAsync("SELECT artist_id, artist_name, followers, artist_popularity, track_count, follower_rank FROM top_artists_by_followers ORDER BY follower_rank"));
    }

    [Fact]
    public async Task TopArtistsByFollowers_EqualFollowers_ShareRank()
    {
        var state = ParquetLake.State(2, [.. _state.LiveFiles.Values, _lake.Gold(2002, new GoldRow("t9", "a9", "x9", 2002, Followers: 1000))]);

        var rows = Text(await Engine(_lake).QueryAsync(state, "SELECT artist_id, follower_rank FROM top_artists_by_followers ORDER BY follower_rank, artist_id", Ct));

        Assert.Equal(["a1|1", "a9|1", "a2|3", "a3|4"], rows);
    }

    [Fact]
    public async Task PopularityByGenre_Fixture_CountsArtistsOnceAndTracksPerGenre()
    {
        // pop: a1 (t1, t2, t6) and a2 (t3): track mean (50+70+90+40)/4, artist mean (80+60)/2, not weighted by tracks.
        Assert.Equal(
            ["pop|2|4|62.5|70", "rock|1|3|70|80"],
            await RowsAsync("SELECT genre, artist_count, track_count, avg_track_popularity, avg_artist_popularity FROM popularity_by_genre ORDER BY genre"));
    }

    [Fact]
    public async Task ReleasesByYear_Fixture_AveragesAlbumsOnce()
    {
        // 2001: albums x2 (30) and x3 (50, two tracks) average 40, not (30+50+50)/3.
        Assert.Equal(
            ["1999|1|1|90|20", "2000|1|2|60|70", "2001|2|3|23.33|40"],
            await RowsAsync("SELECT release_year, album_count, track_count, avg_track_popularity, avg_album_popularity FROM releases_by_year ORDER BY release_year"));
    }

    [Fact]
    public async Task ExplicitShareByYear_Fixture_SharesOfTracks()
    {
        // 2001: t3 explicit, t4 not, t5 unknown: one of three.
        Assert.Equal(
            ["1999|1|0|0", "2000|2|1|0.5", "2001|3|1|0.3333"],
            await RowsAsync("SELECT release_year, track_count, explicit_count, explicit_share FROM explicit_share_by_year ORDER BY release_year"));
    }

    [Fact]
    public async Task AlbumTypeMix_Fixture_SharesOfAlbums()
    {
        Assert.Equal(
            ["album|2|4|0.5", "compilation|1|1|0.25", "single|1|1|0.25"],
            await RowsAsync("SELECT album_type, album_count, track_count, share_of_albums FROM album_type_mix ORDER BY album_type"));
    }

    [Fact]
    public async Task TopLabels_Fixture_LeavesOutEmptyAndMissingLabels()
    {
        Assert.Equal(
            ["L1|1|2|70", "L2|1|1|30"],
            await RowsAsync("SELECT label, album_count, track_count, avg_album_popularity FROM top_labels ORDER BY label"));
    }

    [Fact]
    public async Task DurationTrend_Fixture_SecondsPerYear()
    {
        Assert.Equal(
            ["1999|1|150|150|150", "2000|2|210|180|240", "2001|3|200|100|300"],
            await RowsAsync("SELECT release_year, track_count, avg_duration_sec, min_duration_sec, max_duration_sec FROM duration_trend ORDER BY release_year"));
    }
}
