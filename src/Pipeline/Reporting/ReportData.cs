namespace SpotifyWorker.Pipeline.Reporting;

/// <summary>Everything the report shows, loaded once; <see cref="ReportBuilder"/> turns it into HTML without further I/O.</summary>
/// <param name="Source">Where the data came from (the lake), for the page header.</param>
/// <param name="Views">The result of each chart's query, by chart id (see <see cref="ReportCharts"/>).</param>
/// <param name="Rejects">Quarantined rows by entity and reason code.</param>
public sealed record ReportData(
    DateTimeOffset GeneratedAt,
    string Source,
    Headline Headline,
    IReadOnlyDictionary<string, ViewTable> Views,
    ViewTable Rejects,
    PipelineHealth Health);

/// <summary>The numbers at the top of the report.</summary>
/// <param name="LastRefresh">Time of the last commit: when the data last changed.</param>
public sealed record Headline(long Tracks, long Artists, long Albums, long Genres, DateTimeOffset? LastRefresh, long QuarantinedRows);
