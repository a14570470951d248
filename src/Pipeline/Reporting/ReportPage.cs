using System.Globalization;
using System.Text;
using SpotifyWorker.Pipeline.Reporting.Charts;

namespace SpotifyWorker.Pipeline.Reporting;

/// <summary>The page layout: header, headline numbers, the chart sections, pipeline health, footer.</summary>
public static class ReportPage
{
    private static readonly (string Title, string[] Figures)[] Sections =
    [
        ("Catalogue over time", ["releases", "explicit", "duration"]),
        ("Artists, genres and labels", ["artists", "genres", "album-types", "labels"]),
    ];

    public static string Render(ReportData data, IReadOnlyList<Figure> figures)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>Spotify catalogue report</title>\n<style>\n").Append(ReportStyles.Css).Append("\n</style>\n</head>\n<body>\n");
        html.Append("<header class=\"page\"><h1>Spotify catalogue report</h1>")
            .Append($"<p class=\"meta\">Generated {Time(data.GeneratedAt)} from <code>{Html.Text(data.Source)}</code> · commit {data.Health.CommittedSeq.ToString(CultureInfo.InvariantCulture)}</p></header>\n<main>\n");
        Headline(html, data);
        var byId = figures.ToDictionary(f => f.Id);
        foreach (var (title, ids) in Sections)
        {
            html.Append($"<section><h2>{Html.Text(title)}</h2><div class=\"grid\">\n");
            foreach (var id in ids) FigureHtml(html, byId[id]);
            html.Append("</div></section>\n");
        }
        Health(html, data, byId[RunsChart.Id]);
        html.Append("</main>\n<footer><p>Every chart is drawn from one analytics view through the configured query engine; ")
            .Append("open <em>Data</em> under a chart for the rows and the query behind it, and hover a bar or point for its values. ")
            .Append("The views and their columns are described in <code>docs/views.md</code>.</p></footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Headline(StringBuilder html, ReportData data)
    {
        var h = data.Headline;
        html.Append("<section class=\"stats\" aria-label=\"Headline numbers\">\n");
        Stat(html, "tracks", "Tracks", h.Tracks);
        Stat(html, "artists", "Artists", h.Artists);
        Stat(html, "albums", "Albums", h.Albums);
        Stat(html, "genres", "Genres", h.Genres);
        // The age is what on-call reads first; the exact time sits underneath.
        html.Append($"<div class=\"stat\" data-stat=\"last-refresh\" data-value=\"{Html.Text(h.LastRefresh?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture))}\">")
            .Append($"<span class=\"stat-value\">{(h.LastRefresh is { } at ? Html.Text(Age(data.GeneratedAt - at)) : "never")}</span>")
            .Append("<span class=\"stat-label\">Last refresh</span>")
            .Append(h.LastRefresh is { } when ? $"<span class=\"stat-note\">{Html.Text(Time(when))}</span>" : "")
            .Append("</div>\n");
        Stat(html, "quarantined", "Rows quarantined", h.QuarantinedRows, warn: h.QuarantinedRows > 0);
        html.Append("</section>\n");
    }

    private static void Stat(StringBuilder html, string id, string label, long value, bool warn = false) =>
        html.Append($"<div class=\"stat{(warn ? " warn" : "")}\" data-stat=\"{id}\" data-value=\"{value.ToString(CultureInfo.InvariantCulture)}\">")
            .Append($"<span class=\"stat-value\">{ValueFormat.Integer.Format(value)}</span><span class=\"stat-label\">{Html.Text(label)}</span></div>\n");

    private static void FigureHtml(StringBuilder html, Figure figure)
    {
        html.Append($"<figure class=\"card{(figure.Wide ? " wide" : "")}\" id=\"figure-{Html.Text(figure.Id)}\" data-chart=\"{Html.Text(figure.Id)}\"");
        if (figure.View is not null) html.Append($" data-view=\"{Html.Text(figure.View)}\"");
        if (figure.KeyColumn is not null) html.Append($" data-key-column=\"{Html.Text(figure.KeyColumn)}\"");
        html.Append($" data-marks=\"{(figure.Chart?.Marks ?? 0).ToString(CultureInfo.InvariantCulture)}\">\n")
            .Append($"<h3>{Html.Text(figure.Title)}</h3><p class=\"desc\">{Html.Text(figure.Description)}</p>\n")
            .Append(figure.Chart?.Svg ?? $"<p class=\"empty\">No data yet: the {Html.Text(figure.Source)} has no rows.</p>")
            .Append($"\n<details><summary>Data: {Html.Count(figure.Table.Count, "row")} from the {Html.Text(figure.Source)}</summary>");
        if (figure.Sql is not null) html.Append($"<p>Query: <code>{Html.Text(figure.Sql)}</code></p>");
        html.Append("<div class=\"scroll\">").Append(TableHtml.Render(figure.Table)).Append("</div></details>\n</figure>\n");
    }

    private static void Health(StringBuilder html, ReportData data, Figure runs)
    {
        var health = data.Health;
        html.Append("<section><h2>Pipeline health</h2><div class=\"grid\">\n");
        FigureHtml(html, runs);
        html.Append("<div class=\"card wide\"><h3>Last runs</h3>")
            .Append($"<p class=\"desc\">Newest first. {health.GoldRows.ToString("#,0", CultureInfo.InvariantCulture)} rows in spotify_tracks after commit {health.CommittedSeq.ToString(CultureInfo.InvariantCulture)}.</p>");
        var lastRuns = new ViewTable(
            ["started (UTC)", "outcome", "duration (s)", "files", "rows read", "rows rejected", "gold rows written", "error"],
            [.. health.Runs.Select(r => new object?[]
            {
                r.StartedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), RunsChart.Outcome(r.Outcome),
                Math.Round(r.DurationSeconds, 1), r.FilesProcessed + r.FilesQuarantined, r.RowsRead, r.RowsRejected, r.GoldRowsWritten, r.Error,
            })]);
        html.Append(health.Runs.Count == 0
            ? "<p class=\"empty\">No run recorded yet.</p>"
            : "<div class=\"scroll\">" + TableHtml.Render(lastRuns, "runs", (column, text) => column switch
            {
                "outcome" => $"<span class=\"badge {Html.Text(text)}\">{Html.Text(text)}</span>",
                _ => Html.Text(text),
            }) + "</div>");
        html.Append("</div>\n");

        html.Append("<div class=\"card\"><h3>Rejected rows by reason</h3><p class=\"desc\">Rows in the quarantine table, by entity and reason code.</p>")
            .Append(data.Rejects.Count == 0 ? "<p class=\"empty\">No rejected rows.</p>" : "<div class=\"scroll\">" + TableHtml.Render(data.Rejects, "rejects") + "</div>")
            .Append("</div>\n");
        var files = new ViewTable(["key", "entity", "batch", "reason"], [.. health.QuarantinedFiles.Select(f => new object?[] { f.Key, f.Entity, f.Batch, f.Reason })]);
        html.Append("<div class=\"card\"><h3>Files quarantined whole</h3><p class=\"desc\">Raw files that could not be read as their entity; retried when their content changes.</p>")
            .Append(files.Count == 0 ? "<p class=\"empty\">None.</p>" : "<div class=\"scroll\">" + TableHtml.Render(files, "quarantined-files") + "</div>")
            .Append("</div>\n</div></section>\n");
    }

    private static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Age(TimeSpan age) => age.TotalMinutes switch
    {
        < 1 => "just now",
        < 120 => $"{(int)age.TotalMinutes} min ago",
        < 48 * 60 => $"{(int)age.TotalHours} h ago",
        _ => $"{(int)age.TotalDays} days ago",
    };
}
