using SpotifyWorker.Pipeline.Reporting.Charts;

namespace SpotifyWorker.Pipeline.Reporting;

/// <summary>
/// One chart of the page with the table behind it. <see cref="View"/> and <see cref="KeyColumn"/> say where its
/// numbers come from (written to data-view and data-key-column), so a reader, or a test, can check any mark
/// against the view; <see cref="Source"/> names other sources such as the run history.
/// </summary>
/// <param name="Chart">Null when the source returned no rows: the page says so instead of drawing empty axes.</param>
/// <param name="Wide">Spans the full width of the page rather than one column.</param>
public sealed record Figure(
    string Id,
    string Title,
    string Description,
    string Source,
    string? View,
    string? KeyColumn,
    string? Sql,
    RenderedChart? Chart,
    ViewTable Table,
    bool Wide = false);
