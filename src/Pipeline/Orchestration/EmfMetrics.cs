using System.Text.Json;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>
/// Writes one CloudWatch Embedded Metric Format line per run. CloudWatch Logs turns the line into metrics
/// (namespace SpotifyWorker) without any agent or API call, so alarms work from the container's log stream.
/// </summary>
public sealed class EmfMetrics(TextWriter output, TimeProvider time)
{
    public const string Namespace = "SpotifyWorker";

    private static readonly (string Name, string Unit)[] Metrics =
    [
        ("FilesProcessed", "Count"),
        ("FilesQuarantined", "Count"),
        ("RowsRead", "Count"),
        ("RowsRejected", "Count"),
        ("GoldRows", "Count"),
        ("PartitionsRewritten", "Count"),
        ("DurationSeconds", "Seconds"),
        ("DataFreshnessSeconds", "Seconds"),
        ("RunFailed", "Count"),
    ];

    public string Format(RunSummary summary)
    {
        var now = time.GetUtcNow();
        var values = new Dictionary<string, object?>
        {
            ["_aws"] = new Dictionary<string, object>
            {
                ["Timestamp"] = now.ToUnixTimeMilliseconds(),
                ["CloudWatchMetrics"] = new[]
                {
                    new Dictionary<string, object>
                    {
                        ["Namespace"] = Namespace,
                        ["Dimensions"] = new[] { new[] { "Service" } },
                        ["Metrics"] = Metrics.Select(m => new Dictionary<string, string> { ["Name"] = m.Name, ["Unit"] = m.Unit }).ToArray(),
                    },
                },
            },
            ["Service"] = Namespace,
            ["RunId"] = summary.RunId,
            ["Outcome"] = summary.Outcome.ToString(),
            ["FilesProcessed"] = summary.FilesProcessed,
            ["FilesQuarantined"] = summary.FilesQuarantined,
            ["RowsRead"] = summary.RowsRead,
            ["RowsRejected"] = summary.RowsRejected,
            ["GoldRows"] = summary.GoldRows,
            ["PartitionsRewritten"] = summary.PartitionsRewritten,
            ["DurationSeconds"] = Math.Round(summary.DurationSeconds, 3),
            ["DataFreshnessSeconds"] = summary.NewestRawFileTime is { } newest ? Math.Round((now - newest).TotalSeconds) : null,
            ["RunFailed"] = summary.Outcome == RunOutcome.Failed ? 1 : 0,
        };
        if (values["DataFreshnessSeconds"] is null) values.Remove("DataFreshnessSeconds");
        return JsonSerializer.Serialize(values);
    }

    public void Emit(RunSummary summary)
    {
        output.WriteLine(Format(summary));
        output.Flush();
    }
}
