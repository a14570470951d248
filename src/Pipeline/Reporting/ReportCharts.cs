using System.Globalization;
using SpotifyWorker.Pipeline.Reporting.Charts;

namespace SpotifyWorker.Pipeline.Reporting;

/// <summary>
/// The charts of the report, each drawn from one analytics view with one query. The query text runs on every
/// engine (DuckDB and Athena), so it sticks to SELECT, WHERE, ORDER BY and LIMIT over the view.
/// </summary>
public static class ReportCharts
{
    public static readonly IReadOnlyList<ViewChart> All =
    [
        new("releases", "Releases and popularity by year",
            "Tracks released each year (bars) and the average popularity of those tracks (line, right axis).",
            "releases_by_year", "release_year",
            "SELECT * FROM releases_by_year ORDER BY release_year", Releases, Wide: true),
        new("explicit", "Explicit share by year",
            "Share of each year's tracks that is marked explicit.",
            "explicit_share_by_year", "release_year",
            "SELECT * FROM explicit_share_by_year ORDER BY release_year", Explicit),
        new("duration", "Track duration by year",
            "Average track duration per release year (line), within the shortest to longest track of the year (band).",
            "duration_trend", "release_year",
            "SELECT * FROM duration_trend ORDER BY release_year", Duration),
        new("artists", "Top 20 artists by followers",
            "The 20 most followed artists among those with tracks in the table.",
            "top_artists_by_followers", "artist_id",
            "SELECT * FROM top_artists_by_followers WHERE followers IS NOT NULL ORDER BY follower_rank, artist_name, artist_id LIMIT 20", Artists),
        new("genres", "Popularity by genre",
            "The 15 genres with the most tracks, by the average popularity of their tracks.",
            "popularity_by_genre", "genre",
            "SELECT * FROM popularity_by_genre ORDER BY track_count DESC, genre LIMIT 15", Genres),
        new("album-types", "Album type mix",
            "How the albums split into albums, singles and compilations.",
            "album_type_mix", "album_type",
            "SELECT * FROM album_type_mix ORDER BY album_count DESC, album_type", AlbumTypes),
        new("labels", "Top 15 labels",
            "The record labels with the most albums.",
            "top_labels", "label",
            "SELECT * FROM top_labels ORDER BY album_count DESC, track_count DESC, label LIMIT 15", Labels),
    ];

    private static readonly Axis Popularity = new("Average popularity (0–100)", ValueFormat.Integer, 0, 100);

    private static RenderedChart Releases(ViewChart chart, ViewTable t)
    {
        var rows = ByYear(t);
        var categories = rows.Select(r => new Category(Year(r.Year), Year(r.Year),
            r.Row is { } i ? $"{ValueFormat.Integer.Format(t.Number(i, "album_count"))} albums, average album popularity {ValueFormat.Decimal.Format(t.Number(i, "avg_album_popularity"))}" : "No releases")).ToList();
        return CategoryChartSvg.Render(new CategoryChart(chart.Id, chart.Title, categories, "Release year",
            new Axis("Tracks released", ValueFormat.Integer),
            Popularity,
            [
                new Series("Tracks released", "track_count", SeriesKind.Column, Column(t, rows, "track_count"), ValueFormat.Integer, 0),
                new Series("Average track popularity", "avg_track_popularity", SeriesKind.Line, Column(t, rows, "avg_track_popularity"), ValueFormat.Decimal, 1, RightAxis: true),
            ]));
    }

    private static RenderedChart Explicit(ViewChart chart, ViewTable t)
    {
        var rows = ByYear(t);
        var categories = rows.Select(r => new Category(Year(r.Year), Year(r.Year),
            r.Row is { } i ? $"{ValueFormat.Integer.Format(t.Number(i, "explicit_count"))} of {ValueFormat.Integer.Format(t.Number(i, "track_count"))} tracks" : null)).ToList();
        return CategoryChartSvg.Render(new CategoryChart(chart.Id, chart.Title, categories, "Release year",
            new Axis("Explicit tracks (% of the year)", ValueFormat.Percent),
            null,
            [new Series("Explicit share", "explicit_share", SeriesKind.Line, Column(t, rows, "explicit_share"), ValueFormat.Percent, 3)],
            Width: 560, Height: 300));
    }

    private static RenderedChart Duration(ViewChart chart, ViewTable t)
    {
        var rows = ByYear(t);
        var categories = rows.Select(r => new Category(Year(r.Year), Year(r.Year),
            r.Row is { } i ? $"{ValueFormat.Integer.Format(t.Number(i, "track_count"))} tracks" : null)).ToList();
        return CategoryChartSvg.Render(new CategoryChart(chart.Id, chart.Title, categories, "Release year",
            new Axis("Track duration (minutes:seconds)", ValueFormat.Duration),
            null,
            [
                new Series("Shortest to longest", "min_duration_sec", SeriesKind.Band, Column(t, rows, "min_duration_sec"), ValueFormat.Duration, 2, High: Column(t, rows, "max_duration_sec")),
                new Series("Average duration", "avg_duration_sec", SeriesKind.Line, Column(t, rows, "avg_duration_sec"), ValueFormat.Duration, 0),
            ],
            Width: 560, Height: 300));
    }

    private static RenderedChart Artists(ViewChart chart, ViewTable t) => BarChartSvg.Render(new BarChart(
        chart.Id, chart.Title, "followers", "Followers",
        [.. Enumerable.Range(0, t.Count).Select(i => new Bar(
            t.Text(i, "artist_id"), t.Text(i, "artist_name"), t.Number(i, "followers") ?? 0,
            $"Rank {t.Text(i, "follower_rank")} · popularity {t.Text(i, "artist_popularity")} · {ValueFormat.Integer.Format(t.Number(i, "track_count"))} tracks"))],
        new Axis("Followers on Spotify", ValueFormat.Compact)));

    private static RenderedChart Genres(ViewChart chart, ViewTable t) => BarChartSvg.Render(new BarChart(
        chart.Id, chart.Title, "avg_track_popularity", "Average track popularity",
        [.. Enumerable.Range(0, t.Count)
            .Select(i => new Bar(t.Text(i, "genre"), t.Text(i, "genre"), t.Number(i, "avg_track_popularity") ?? 0,
                $"{ValueFormat.Integer.Format(t.Number(i, "track_count"))} tracks by {ValueFormat.Integer.Format(t.Number(i, "artist_count"))} artists · average artist popularity {ValueFormat.Decimal.Format(t.Number(i, "avg_artist_popularity"))}"))
            .OrderByDescending(b => b.Value).ThenBy(b => b.Key, StringComparer.Ordinal)],
        Popularity with { Title = "Average track popularity (0–100)", Format = ValueFormat.Integer },
        Color: 4, LabelWidth: 140));

    private static RenderedChart AlbumTypes(ViewChart chart, ViewTable t) => BarChartSvg.Render(new BarChart(
        chart.Id, chart.Title, "share_of_albums", "Share of albums",
        [.. Enumerable.Range(0, t.Count).Select(i => new Bar(
            t.Text(i, "album_type"), t.Text(i, "album_type"), t.Number(i, "share_of_albums") ?? 0,
            $"{ValueFormat.Integer.Format(t.Number(i, "album_count"))} albums · {ValueFormat.Integer.Format(t.Number(i, "track_count"))} tracks"))],
        new Axis("Share of all albums (%)", ValueFormat.Percent, 0, 1),
        LabelWidth: 110));

    private static RenderedChart Labels(ViewChart chart, ViewTable t) => BarChartSvg.Render(new BarChart(
        chart.Id, chart.Title, "album_count", "Albums",
        [.. Enumerable.Range(0, t.Count).Select(i => new Bar(
            t.Text(i, "label"), t.Text(i, "label"), t.Number(i, "album_count") ?? 0,
            $"{ValueFormat.Integer.Format(t.Number(i, "track_count"))} tracks · average album popularity {ValueFormat.Decimal.Format(t.Number(i, "avg_album_popularity"))}"))],
        new Axis("Albums released", ValueFormat.Integer),
        Color: 0));

    /// <summary>
    /// Every year from the first to the last, with the row of the years that have one: a year without releases
    /// shows as a gap on the axis instead of being silently skipped.
    /// </summary>
    private static List<(int Year, int? Row)> ByYear(ViewTable t)
    {
        var rows = Enumerable.Range(0, t.Count)
            .Where(i => t.Number(i, "release_year") is not null)
            .ToDictionary(i => (int)t.Number(i, "release_year")!.Value, i => i);
        if (rows.Count == 0) return [];
        return [.. Enumerable.Range(rows.Keys.Min(), rows.Keys.Max() - rows.Keys.Min() + 1).Select(y => (y, rows.TryGetValue(y, out var i) ? i : (int?)null))];
    }

    private static List<double?> Column(ViewTable t, List<(int Year, int? Row)> rows, string column) =>
        [.. rows.Select(r => r.Row is { } i ? t.Number(i, column) : null)];

    private static string Year(int year) => year.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A chart drawn from one query over one analytics view.</summary>
/// <param name="KeyColumn">The view column that identifies a row: each mark's data-key holds its value.</param>
public sealed record ViewChart(
    string Id,
    string Title,
    string Description,
    string View,
    string KeyColumn,
    string Sql,
    Func<ViewChart, ViewTable, RenderedChart> Draw,
    bool Wide = false)
{
    public Figure Build(ViewTable table) =>
        new(Id, Title, Description, "view " + View, View, KeyColumn, Sql, table.Count == 0 ? null : Draw(this, table), table, Wide);
}
