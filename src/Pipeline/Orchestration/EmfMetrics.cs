using System.Text.Json;
using SpotifyWorker.Pipeline.Costs;
using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>
/// Writes one CloudWatch Embedded Metric Format line per run. CloudWatch Logs turns the line into metrics
/// (namespace SpotifyWorker) without any agent or API call, so alarms work from the container's log stream.
/// The line also carries <c>Backend</c> and <c>PriceRegion</c> as plain fields: on the local backend the cost
/// metrics are 0 because no AWS service was used, and the line says so.
/// </summary>
public sealed class EmfMetrics(TextWriter output, TimeProvider time)
{
    public const string Namespace = "SpotifyWorker";

    /// <summary>The one dimension of every metric; the dashboard and the alarms address metrics with it.</summary>
    public const string Dimension = "Service";

    private static readonly (string Name, string Unit, Func<RunSummary, DateTimeOffset, object?> Value)[] Metrics =
    [
        ("FilesProcessed", "Count", (s, _) => s.FilesProcessed),
        ("FilesQuarantined", "Count", (s, _) => s.FilesQuarantined),
        ("RowsRead", "Count", (s, _) => s.RowsRead),
        ("RowsRejected", "Count", (s, _) => s.RowsRejected),
        ("GoldRows", "Count", (s, _) => s.GoldRows),
        ("PartitionsRewritten", "Count", (s, _) => s.PartitionsRewritten),
        ("SilverCompactions", "Count", (s, _) => s.Compactions.Count),
        ("DurationSeconds", "Seconds", (s, _) => Math.Round(s.DurationSeconds, 3)),
        ("DataFreshnessSeconds", "Seconds", (s, now) => s.NewestRawFileTime is { } newest ? Math.Round((now - newest).TotalSeconds) : null),
        ("RunFailed", "Count", (s, _) => s.Outcome == RunOutcome.Failed ? 1 : 0),
        ("GlueDpuSeconds", "None", (s, _) => Math.Round(CostOf(s).GlueDpuSeconds, 3)),
        ("AthenaBytesScanned", "Bytes", (s, _) => CostOf(s).AthenaBytesScanned),
        ("S3Requests", "Count", (s, _) => CostOf(s).S3Requests),
        ("BytesWritten", "Bytes", (s, _) => CostOf(s).BytesWritten),
        ("EstimatedCostUsd", "None", (s, _) => Math.Round(CostOf(s).EstimatedCostUsd, 6)),
    ];

    /// <summary>The metric names, in the order of the line; the dashboard and the alarms must use these.</summary>
    public static IReadOnlyList<string> MetricNames { get; } = [.. Metrics.Select(m => m.Name)];

    public string Format(RunSummary summary)
    {
        var now = time.GetUtcNow();
        var cost = CostOf(summary);
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
                        ["Dimensions"] = new[] { new[] { Dimension } },
                        ["Metrics"] = Metrics.Select(m => new Dictionary<string, string> { ["Name"] = m.Name, ["Unit"] = m.Unit }).ToArray(),
                    },
                },
            },
            [Dimension] = Namespace,
            ["RunId"] = summary.RunId,
            ["Outcome"] = summary.Outcome.ToString(),
            ["Backend"] = cost.Backend,
            ["PriceRegion"] = cost.PriceRegion,
        };
        foreach (var (name, _, value) in Metrics)
        {
            // A metric without a value (no raw file committed yet: no freshness) is left out rather than sent as 0.
            if (value(summary, now) is { } v) values[name] = v;
        }
        return JsonSerializer.Serialize(values, StoreJson.Plain);
    }

    public void Emit(RunSummary summary)
    {
        output.WriteLine(Format(summary));
        output.Flush();
    }

    /// <summary>A summary from before runs were priced, or made outside the coordinator, has no cost: its figures are the local ones.</summary>
    private static RunCost CostOf(RunSummary summary) => summary.Cost ?? RunCost.Local;
}
