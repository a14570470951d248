using SpotifyWorker.Pipeline.Transform;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Transform;

/// <summary>Which raw keys are inputs: entity folders as always, and the entity from the file name elsewhere.</summary>
public sealed class RawKeysTests
{
    /// <summary>Keys under "raw/" and the entity each is an input of (null: not an input). GlueScriptTests runs the same table through the Glue job's entity_of.</summary>
    public static readonly TheoryData<string, Entity?> Cases = new()
    {
        // Entity folders, exactly as before: the folder decides, whatever the file is called.
        { "raw/artists/d1/artists.csv", Entity.Artists },
        { "raw/Tracks/part-1.csv.gz", Entity.Tracks },
        { "raw/tracks/spotify_artist_data_2023.csv", Entity.Tracks },
        { "raw/tracks/notes.txt", null },
        // The Kaggle download, unchanged, at the raw root.
        { "raw/spotify_artist_data_2023.csv", Entity.Artists },
        { "raw/spotify-albums_data_2023.csv", Entity.Albums },
        { "raw/spotify_tracks_data_2023.csv", Entity.Tracks },
        { "raw/spotify_features_data_2023.csv", null },
        { "raw/spotify_data_12_20_2023.csv", null },
        // Variants: singular or plural, any case, - _ . or space between words, .csv or .csv.gz, any non-entity folder.
        { "raw/SPOTIFY_ARTISTS_DATA_2023.CSV.GZ", Entity.Artists },
        { "raw/kaggle/2023/spotify-album-data.csv.gz", Entity.Albums },
        { "raw/tracks.csv", Entity.Tracks },
        { "raw/Album.csv", Entity.Albums },
        { "raw/artists.2023.csv", Entity.Artists },
        { "raw/my tracks 2023.csv", Entity.Tracks },
        { "raw/tracks_tracks.csv", Entity.Tracks },
        { "raw/spotify_tracks_data_2023_drop0002_part0001.csv", Entity.Tracks },
        { "raw//tracks.csv", Entity.Tracks },
        // Not inputs: no entity word, two of them, a longer word, another extension, outside the prefix.
        { "raw/readme.csv", null },
        { "raw/.csv", null },
        { "raw/artists_albums.csv", null },
        { "raw/kaggle/album-tracks.csv", null },
        { "raw/soundtracks.csv", null },
        { "raw/trackss.csv", null },
        { "raw/artistsdata.csv", null },
        { "raw/spotify_artist_data_2023.txt", null },
        { "raw/spotify_artist_data_2023.csv.zip", null },
        { "raw/tracks", null },
        { "other/tracks.csv", null },
        { "other/tracks/a.csv", null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_Key_EntityOrNotInputWithReason(string key, Entity? expected)
    {
        var kind = RawKeys.Classify("raw/", key);

        Assert.Equal(expected, kind.Entity);
        Assert.Equal(expected is null, !string.IsNullOrWhiteSpace(kind.Reason));
        Assert.Equal(expected is not null, RawKeys.TryGetEntity("raw/", key, out var entity));
        if (expected is { } e) Assert.Equal(e, entity);
    }

    [Theory]
    [InlineData("raw/artists_albums.csv", "artists and albums")]
    [InlineData("raw/kaggle/album-tracks.csv.gz", "albums and tracks")]
    [InlineData("raw/artist_album_track.csv", "artists and albums and tracks")]
    public void Classify_NameOfTwoEntities_ReportedNamingBoth(string key, string named)
    {
        var reason = RawKeys.Classify("raw/", key).Reason;

        Assert.NotNull(reason);
        Assert.Contains($"the name says {named}", reason, StringComparison.Ordinal);
        Assert.Contains("entity folder", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("raw/spotify_features_data_2023.csv", "audio features")]
    [InlineData("raw/spotify_data_12_20_2023.csv", "merged Kaggle file")]
    [InlineData("raw/readme.csv", "says none of artist(s), album(s), track(s)")]
    [InlineData("raw/tracks/notes.txt", "not a .csv or .csv.gz")]
    [InlineData("elsewhere/tracks.csv", "not under the raw prefix raw/")]
    public void Classify_NotAnInput_ReasonSaysWhy(string key, string because)
    {
        Assert.Contains(because, RawKeys.Classify("raw/", key).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_EmptyPrefix_KaggleNameAtTheBucketRoot()
    {
        Assert.Equal(Entity.Albums, RawKeys.Classify("", "spotify-albums_data_2023.csv").Entity);
        Assert.Equal(Entity.Artists, RawKeys.Classify("", "artists/a.csv").Entity);
    }
}
