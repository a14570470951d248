using System.Globalization;
using AngleSharp.Dom;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Reporting;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Reporting;

/// <summary>
/// The report of a generated lake, parsed as HTML: every chart is there, and every number it draws is the number
/// its view returns through the query engine (compared as numbers from the marks' data attributes, not pixels).
/// </summary>
[Collection(ReportLakeCollection.Name)]
public sealed class ReportBuilderTests(ReportLakeFixture lake)
{
    private static readonly string[] ChartIds = ["releases", "explicit", "duration", "artists", "genres", "album-types", "labels", "runs"];

    [Fact]
    public void Render_GeneratedLake_HasEveryChartWithMarks()
    {
        var figures = lake.Document.QuerySelectorAll("figure[data-chart]");

        Assert.Equal(ChartIds, figures.Select(f => f.GetAttribute("data-chart")));
        Assert.All(figures, f =>
        {
            var svg = f.QuerySelector("svg.chart");
            Assert.NotNull(svg);
            Assert.Matches(@"^0 0 \d+ \d+$", svg.GetAttribute("viewBox"));
            Assert.NotNull(svg.GetAttribute("aria-label"));
            var marks = svg.QuerySelectorAll(".mark");
            Assert.NotEmpty(marks);
            Assert.Equal(int.Parse(f.GetAttribute("data-marks")!, CultureInfo.InvariantCulture), marks.Length);
            Assert.All(marks, m => Assert.False(string.IsNullOrWhiteSpace(m.QuerySelector("title")?.TextContent), "every mark has a tooltip"));
            Assert.NotNull(f.QuerySelector("details table"));
        });
    }

    [Fact]
    public async Task Render_GeneratedLake_EveryMarkEqualsItsViewRow()
    {
        foreach (var figure in lake.Document.QuerySelectorAll("figure[data-view]"))
        {
            var view = figure.GetAttribute("data-view")!;
            var rows = await ViewRowsAsync(view, figure.GetAttribute("data-key-column")!);
            foreach (var mark in figure.QuerySelectorAll(".mark"))
            {
                var (series, key, value) = Read(mark);
                Assert.True(rows.TryGetValue(key, out var row), $"{view} has no row {key}");
                Assert.True(row.TryGetValue(series, out var expected), $"{view} has no column {series}");
                Assert.Equal(Convert.ToDouble(expected, CultureInfo.InvariantCulture), value, 9);
            }
        }
    }

    /// <summary>Which rows each chart shows: all of a yearly view, the top N of a ranked one.</summary>
    [Theory]
    [InlineData("releases", "release_year", "track_count", 0)]
    [InlineData("explicit", "release_year", "explicit_share", 0)]
    [InlineData("duration", "release_year", "avg_duration_sec", 0)]
    [InlineData("album-types", "album_count", "share_of_albums", 0)]
    [InlineData("artists", "followers", "followers", 20)]
    [InlineData("genres", "track_count", "avg_track_popularity", 15)]
    [InlineData("labels", "album_count", "album_count", 15)]
    public async Task Render_GeneratedLake_ChartShowsTheViewsTopRows(string chart, string rankedBy, string series, int limit)
    {
        var figure = lake.Document.QuerySelector($"figure[data-chart='{chart}']")!;
        var rows = await ViewRowsAsync(figure.GetAttribute("data-view")!, figure.GetAttribute("data-key-column")!);
        var shown = figure.QuerySelectorAll($".mark[data-series='{series}']").Select(m => Read(m).Key).ToHashSet();

        Assert.Equal(limit == 0 ? rows.Count : Math.Min(limit, rows.Count), shown.Count);
        if (limit > 0 && rows.Count > limit)
        {
            double Rank(string key) => Convert.ToDouble(rows[key][rankedBy], CultureInfo.InvariantCulture);
            var lowestShown = shown.Min(Rank);
            Assert.All(rows.Keys.Where(k => !shown.Contains(k)), k => Assert.True(Rank(k) <= lowestShown, $"{k} ranks above a shown row but is not shown"));
        }
    }

    [Fact]
    public async Task Render_GeneratedLake_HeadlineEqualsQueriesAndCommitLog()
    {
        var counts = await lake.QueryAsync("SELECT count(*), count(DISTINCT artist_id), count(DISTINCT album_id) FROM spotify_tracks");
        var genres = await lake.QueryAsync("SELECT count(DISTINCT g.genre) FROM spotify_tracks CROSS JOIN UNNEST(genres) AS g(genre)");
        var state = await lake.Lake.Log.LoadAsync(TestContext.Current.CancellationToken);

        Assert.Equal(Convert.ToInt64(counts.Rows[0][0], CultureInfo.InvariantCulture), Stat("tracks"));
        Assert.Equal(Convert.ToInt64(counts.Rows[0][1], CultureInfo.InvariantCulture), Stat("artists"));
        Assert.Equal(Convert.ToInt64(counts.Rows[0][2], CultureInfo.InvariantCulture), Stat("albums"));
        Assert.Equal(Convert.ToInt64(genres.Rows[0][0], CultureInfo.InvariantCulture), Stat("genres"));
        Assert.Equal(state.RowsOf(Tables.Quarantine), Stat("quarantined"));
        Assert.True(Stat("quarantined") > 0, "the dirty generation quarantines rows");
        Assert.Equal(state.LastCommitAt!.Value, DateTimeOffset.Parse(lake.Document.QuerySelector("[data-stat='last-refresh']")!.GetAttribute("data-value")!, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Render_GeneratedLake_RunsChartEqualsRunHistory()
    {
        var marks = lake.Document.QuerySelectorAll("figure[data-chart='runs'] .mark").Select(Read).ToList();

        Assert.Equal(lake.Runs.Count * 2, marks.Count);
        foreach (var run in lake.Runs)
        {
            Assert.Equal(run.RowsRead - run.RowsRejected, marks.Single(m => m.Key == run.RunId && m.Series == "rows_accepted").Value);
            Assert.Equal(run.RowsRejected, marks.Single(m => m.Key == run.RunId && m.Series == "rows_rejected").Value);
        }
        var runRows = lake.Document.QuerySelectorAll("table.runs tbody tr");
        Assert.Equal(lake.Runs.Count, runRows.Length);
        Assert.Equal(["nothingNew", "succeeded"], runRows.Select(r => r.QuerySelector(".badge")!.TextContent));
        Assert.True(lake.Runs[0].RowsRejected > 0, "the dirty generation rejects rows");
    }

    [Fact]
    public async Task Render_GeneratedLake_RejectsTableEqualsQuarantine()
    {
        var quarantined = await lake.QueryAsync("SELECT count(*) FROM quarantine");
        var rows = lake.Document.QuerySelectorAll("table.rejects tbody tr");

        Assert.NotEmpty(rows);
        Assert.Equal(Convert.ToInt64(quarantined.Rows[0][0], CultureInfo.InvariantCulture), rows.Sum(r => long.Parse(r.Children[2].TextContent, CultureInfo.InvariantCulture)));
        Assert.All(rows, r => Assert.Matches("^[a-z0-9_]+$", r.Children[1].TextContent));
    }

    [Fact]
    public void Render_GeneratedLake_LoadsNothingFromTheNetwork()
    {
        var document = lake.Document;

        Assert.Empty(document.QuerySelectorAll("script, link, img, iframe, object, embed, video, audio, source"));
        Assert.All(document.QuerySelectorAll("[src], [href]"), e => Assert.Fail($"{e.TagName} refers to {e.GetAttribute("src") ?? e.GetAttribute("href")}"));
        var withoutNamespace = lake.Html.Replace("xmlns=\"http://www.w3.org/2000/svg\"", "", StringComparison.Ordinal);
        Assert.DoesNotContain("http://", withoutNamespace, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", withoutNamespace, StringComparison.Ordinal);
        Assert.DoesNotContain("url(", withoutNamespace, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_GeneratedLake_NamesWithQuotesAmpersandsAndEmojiSurviveAsText()
    {
        var names = (await lake.QueryAsync("SELECT artist_name FROM top_artists_by_followers")).Rows.Select(r => (string)r[0]!).ToList();
        var shown = lake.Document.QuerySelectorAll("figure[data-chart='artists'] td").Select(td => td.TextContent).ToHashSet();
        var awkward = names.Where(n => n.AsSpan().IndexOfAny("\"&'<") >= 0 || n.Any(char.IsSurrogate)).ToList();

        Assert.NotEmpty(awkward);
        Assert.All(lake.Document.QuerySelectorAll("figure[data-chart='artists'] tbody tr"), r => Assert.Contains(r.Children[1].TextContent, names));
        Assert.Contains(shown, s => s.AsSpan().IndexOfAny("\"&") >= 0 || s.Any(char.IsSurrogate));
    }

    private static (string Series, string Key, double Value) Read(IElement mark) =>
        (mark.GetAttribute("data-series")!, mark.GetAttribute("data-key")!, double.Parse(mark.GetAttribute("data-value")!, NumberStyles.Float, CultureInfo.InvariantCulture));

    private long Stat(string id) => long.Parse(lake.Document.QuerySelector($"[data-stat='{id}']")!.GetAttribute("data-value")!, CultureInfo.InvariantCulture);

    /// <summary>Every row of a view by its key, each as column → value, straight from the query engine.</summary>
    private async Task<Dictionary<string, Dictionary<string, object?>>> ViewRowsAsync(string view, string keyColumn)
    {
        var result = await lake.QueryAsync($"SELECT * FROM {view}");
        var names = result.Columns.Select(c => c.Name).ToList();
        return result.Rows.ToDictionary(
            r => Convert.ToString(r[names.IndexOf(keyColumn)], CultureInfo.InvariantCulture)!,
            r => names.Select((n, i) => (n, r[i])).ToDictionary(x => x.n, x => x.Item2));
    }
}
