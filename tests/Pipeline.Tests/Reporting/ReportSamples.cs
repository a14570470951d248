using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Reporting;

namespace SpotifyWorker.Pipeline.Tests.Reporting;

/// <summary>Hand-made report data, for cases a generated lake does not reach (hostile names, an empty lake).</summary>
internal static class ReportSamples
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    public static ReportData Empty() => new(
        Now, "/lake", new Headline(0, 0, 0, 0, null, 0),
        ReportCharts.All.ToDictionary(c => c.Id, _ => new ViewTable([], [])),
        new ViewTable(["entity", "reason_code", "row_count"], []),
        new PipelineHealth(0, null, 0, 0, [], []));

    /// <summary>One artist, genre, label and year, each named <paramref name="name"/>; one failed run whose error is the name too.</summary>
    public static ReportData Named(string name)
    {
        var empty = Empty();
        var views = new Dictionary<string, ViewTable>(empty.Views)
        {
            ["artists"] = new(["artist_id", "artist_name", "followers", "artist_popularity", "track_count", "follower_rank"], [["a1", name, 10L, 50, 1L, 1L]]),
            ["genres"] = new(["genre", "artist_count", "track_count", "avg_track_popularity", "avg_artist_popularity"], [[name, 1L, 1L, 40.5, 50.0]]),
            ["labels"] = new(["label", "album_count", "track_count", "avg_album_popularity"], [[name, 1L, 1L, 30.0]]),
            ["releases"] = new(["release_year", "album_count", "track_count", "avg_track_popularity", "avg_album_popularity"], [[2001, 1L, 3L, 40.0, 30.0]]),
        };
        var run = new RunSummary("20260301T070000Z-abc123", RunOutcome.Failed, Now.AddHours(-1), Now.AddHours(-1).AddSeconds(3), 0, [], 0,
            new Dictionary<string, double>(), 0, null, name);
        return empty with
        {
            Source = name,
            Headline = new Headline(3, 1, 1, 1, Now.AddHours(-2), 0),
            Views = views,
            Health = new PipelineHealth(1, Now.AddHours(-2), 3, 0, [run], [new QuarantinedFile("raw/artists/" + name + ".csv", "artists", 1, name)]),
        };
    }
}
