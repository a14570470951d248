using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Query;
using SpotifyWorker.Pipeline.Tests.TestSupport;

namespace SpotifyWorker.Pipeline.Tests.Query;

internal static class QueryTestSupport
{
    public static CommitLog Log(ParquetLake lake) =>
        new(lake.Store, Options.Create(new ManifestOptions()), NullLogger<CommitLog>.Instance);

    public static DuckDbQueryEngine Engine(ParquetLake lake, IReadOnlyList<ViewDefinition>? analytics = null) => new(
        lake.Stores, Options.Create(ParquetLake.Options), Log(lake), NullLogger<DuckDbQueryEngine>.Instance, analytics ?? AnalyticsViews.All);

    /// <summary>Rows as "a|b|c" text (invariant culture, NULL for null), so expectations read like a table.</summary>
    public static IReadOnlyList<string> Text(QueryResult result) =>
        [.. result.Rows.Select(r => string.Join("|", r.Select(v => v switch
        {
            null => "NULL",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => v.ToString(),
        })))];

    /// <summary>
    /// Six tracks by three artists on four albums, worked out by hand in the view tests:
    /// <code>
    /// track artist album type        label album_pop year explicit duration track_pop
    /// t1    a1     x1    album       L1    70        2000 true     180000   50
    /// t2    a1     x1    album       L1    70        2000 false    240000   70
    /// t3    a2     x2    single      L2    30        2001 true     200000   40
    /// t4    a3     x3    album       ''    50        2001 false    100000   10
    /// t5    a3     x3    album       ''    50        2001 NULL     300000   20
    /// t6    a1     x4    compilation NULL  20        1999 false    150000   90
    /// artists: a1 Alpha 1000 followers, popularity 80, [rock, pop]; a2 Beta 500, 60, [pop]; a3 Gamma 200, 40, []
    /// </code>
    /// 2001 is split over two files to read several files of one partition.
    /// </summary>
    public static ManifestState WriteFixture(ParquetLake lake, long seq = 1)
    {
        static GoldRow Alpha(string track, string album, int year) =>
            new(track, "a1", album, year, ArtistName: "Alpha", Followers: 1000, ArtistPopularity: 80, Genres: ["rock", "pop"]);
        static GoldRow Beta(string track, string album, int year) =>
            new(track, "a2", album, year, ArtistName: "Beta", Followers: 500, ArtistPopularity: 60, Genres: ["pop"]);
        static GoldRow Gamma(string track, string album, int year) =>
            new(track, "a3", album, year, ArtistName: "Gamma", Followers: 200, ArtistPopularity: 40, Genres: []);

        return ParquetLake.State(
            seq,
            lake.Gold(2000,
                Alpha("t1", "x1", 2000) with { AlbumType = "album", Label = "L1", AlbumPopularity = 70, Explicit = true, DurationMs = 180000, TrackPopularity = 50 },
                Alpha("t2", "x1", 2000) with { AlbumType = "album", Label = "L1", AlbumPopularity = 70, Explicit = false, DurationMs = 240000, TrackPopularity = 70 }),
            lake.Gold(2001,
                Beta("t3", "x2", 2001) with { AlbumType = "single", Label = "L2", AlbumPopularity = 30, Explicit = true, DurationMs = 200000, TrackPopularity = 40 }),
            lake.Gold(2001,
                Gamma("t4", "x3", 2001) with { AlbumType = "album", Label = "", AlbumPopularity = 50, Explicit = false, DurationMs = 100000, TrackPopularity = 10 },
                Gamma("t5", "x3", 2001) with { AlbumType = "album", Label = "", AlbumPopularity = 50, Explicit = null, DurationMs = 300000, TrackPopularity = 20 }),
            lake.Gold(1999,
                Alpha("t6", "x4", 1999) with { AlbumType = "compilation", Label = null, AlbumPopularity = 20, Explicit = false, DurationMs = 150000, TrackPopularity = 90 }));
    }
}
