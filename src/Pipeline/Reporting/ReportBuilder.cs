namespace SpotifyWorker.Pipeline.Reporting;

/// <summary>
/// Turns <see cref="ReportData"/> into one self-contained HTML page: inline CSS, inline SVG charts drawn here, no
/// script and nothing fetched at view time, so the file can be mailed or archived and still open as it was.
/// </summary>
public static class ReportBuilder
{
    /// <summary>Runs shown in the pipeline-health section.</summary>
    public const int RunsShown = 20;

    public static string Render(ReportData data) => ReportPage.Render(data, Figures(data));

    /// <summary>Every figure of the page in order: the view charts, then the runs chart.</summary>
    public static IReadOnlyList<Figure> Figures(ReportData data) =>
    [
        .. ReportCharts.All.Select(c => c.Build(data.Views.TryGetValue(c.Id, out var table) ? table : new ViewTable([], []))),
        RunsChart.Build(data.Health),
    ];
}
