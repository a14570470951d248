using System.Globalization;
using SpotifyWorker.Pipeline.Reporting.Charts;

namespace SpotifyWorker.Pipeline.Reporting;

/// <summary>The pipeline-health chart: raw rows each recent run accepted and rejected.</summary>
public static class RunsChart
{
    public const string Id = "runs";

    /// <summary>The runs as a table (oldest first), which is also the table behind the chart.</summary>
    public static ViewTable Table(PipelineHealth health) => new(
        ["run_id", "outcome", "started_at", "duration_sec", "files_processed", "files_quarantined", "rows_read", "rows_accepted", "rows_rejected", "gold_rows_written", "error"],
        [.. health.Runs.Reverse().Select(r => new object?[]
        {
            r.RunId, Outcome(r.Outcome), r.StartedAt.ToUniversalTime(), Math.Round(r.DurationSeconds, 2), r.FilesProcessed, r.FilesQuarantined,
            r.RowsRead, r.RowsRead - r.RowsRejected, r.RowsRejected, r.GoldRowsWritten, r.Error,
        })]);

    public static Figure Build(PipelineHealth health)
    {
        var table = Table(health);
        var starts = Enumerable.Range(0, table.Count).Select(i => (DateTimeOffset)table.Value(i, "started_at")!).ToList();
        // Nightly runs differ by the minute; runs started by hand seconds apart need the seconds to tell them apart.
        var format = starts.Select(s => s.ToString("MM-dd HH:mm", CultureInfo.InvariantCulture)).Distinct().Count() == starts.Count ? "MM-dd HH:mm" : "MM-dd HH:mm:ss";
        var chart = table.Count == 0 ? null : CategoryChartSvg.Render(new CategoryChart(
            Id, "Rows per run",
            [.. Enumerable.Range(0, table.Count).Select(i => new Category(
                table.Text(i, "run_id"),
                starts[i].ToString(format, CultureInfo.InvariantCulture),
                $"Run {table.Text(i, "run_id")}: {table.Text(i, "outcome")}, {table.Text(i, "duration_sec")} s"))],
            "Run start (UTC)",
            new Axis("Rows accepted", ValueFormat.Compact),
            // Rejects are a few rows in thousands: on their own axis they stay visible instead of a hairline on a bar.
            new Axis("Rows rejected", ValueFormat.Integer),
            [
                new Series("Rows accepted", "rows_accepted", SeriesKind.Column, Values(table, "rows_accepted"), ValueFormat.Integer, 0),
                new Series("Rows rejected", "rows_rejected", SeriesKind.Line, Values(table, "rows_rejected"), ValueFormat.Integer, 3, RightAxis: true),
            ],
            Height: 280));
        return new Figure(Id, "Rows per run",
            $"Raw rows each of the last {Html.Count(table.Count, "run")} accepted (bars) and rejected to the quarantine table (line, right axis).",
            "run history (_pipeline/runs/)", null, "run_id", null, chart, table, Wide: true);
    }

    /// <summary>The outcome as the run history's JSON spells it (succeeded, nothingNew, ...).</summary>
    public static string Outcome(Orchestration.RunOutcome outcome)
    {
        var name = outcome.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    private static List<double?> Values(ViewTable table, string column) => [.. Enumerable.Range(0, table.Count).Select(i => table.Number(i, column))];
}
