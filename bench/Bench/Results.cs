namespace SpotifyWorker.Bench;

/// <summary>One line of the results table.</summary>
internal sealed record ResultRow(string Case, string Metric, Series Values, string Format, string Unit, string Target = "", bool? Met = null);

/// <summary>Median step seconds of a group of worker runs (from their PipelineRunCompleted events).</summary>
internal sealed record StepBreakdown(string Case, IReadOnlyList<Measurement> Runs);

/// <summary>
/// One of issue 13's targets, judged on the median for the worker and, side by side, for the --baseline worker.
/// <paramref name="Judged"/> is false where the case did not run at the target's scale (--quick).
/// </summary>
internal sealed record TargetRow(string Case, string Measure, string Target, Series Worker, Series? Baseline, Func<double, bool> Met, string Format, string Unit, bool Judged = true);

/// <summary>A free-form table of the results file (the per-run table of the growth case).</summary>
internal sealed record ResultTable(string Title, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>Everything the cases measured, in the order the results file shows it.</summary>
internal sealed class Results
{
    public List<TargetRow> Targets { get; } = [];

    public List<ResultRow> Rows { get; } = [];

    public List<ResultTable> Tables { get; } = [];

    public List<StepBreakdown> Steps { get; } = [];
}

/// <summary>What every case needs: options, the two workers, the data and a scratch folder for lakes.</summary>
internal sealed record BenchContext(BenchOptions Options, Worker Worker, Worker? Baseline, Datasets Data, string Runs, Results Results)
{
    public const double MiB = 1024 * 1024;

    /// <summary>Issue 13's memory line: peak RSS at scale 10 with default settings.</summary>
    public const double RssTargetMiB = 800;

    public const string RssTarget = "<= 800 MiB";
}
