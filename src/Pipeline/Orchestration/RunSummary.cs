using SpotifyWorker.Pipeline.Costs;

namespace SpotifyWorker.Pipeline.Orchestration;

public enum RunOutcome
{
    /// <summary>New files were processed and committed.</summary>
    Succeeded,

    /// <summary>Nothing new under the raw prefix; nothing was committed.</summary>
    NothingNew,

    /// <summary>Another worker holds the lease or won the commit race; this run stopped without publishing.</summary>
    Yielded,

    /// <summary>Stopped at a safe point on request (SIGTERM); the next run resumes.</summary>
    Cancelled,

    Failed,
}

/// <summary>What one batch did.</summary>
public sealed record BatchSummary(
    long Seq,
    int Files,
    int FilesQuarantined,
    long RowsRead,
    long RowsRejected,
    long GoldRowsWritten,
    IReadOnlyList<int> PartitionsRewritten,
    double TransformSeconds,
    double CommitSeconds);

/// <summary>What one compaction commit did.</summary>
/// <param name="Reason">Why the policy called for it, or that an operator asked.</param>
public sealed record CompactionSummary(long Seq, string Reason, int BasesWritten, int FilesSuperseded, long RowsKept, double Seconds);

/// <summary>
/// What one run did: the content of the one summary event per run. <see cref="Cost"/> is null in records
/// written before runs were priced.
/// </summary>
public sealed record RunSummary(
    string RunId,
    RunOutcome Outcome,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    long CommittedSeq,
    IReadOnlyList<BatchSummary> Batches,
    long GoldRows,
    IReadOnlyDictionary<string, double> StepSeconds,
    int IgnoredObjects,
    DateTimeOffset? NewestRawFileTime,
    string? Error = null,
    RunCost? Cost = null)
{
    public int FilesProcessed => Batches.Sum(b => b.Files - b.FilesQuarantined);
    public int FilesQuarantined => Batches.Sum(b => b.FilesQuarantined);
    public long RowsRead => Batches.Sum(b => b.RowsRead);
    public long RowsRejected => Batches.Sum(b => b.RowsRejected);
    public long GoldRowsWritten => Batches.Sum(b => b.GoldRowsWritten);
    public int PartitionsRewritten => Batches.SelectMany(b => b.PartitionsRewritten).Distinct().Count();
    public double DurationSeconds => (FinishedAt - StartedAt).TotalSeconds;

    /// <summary>The silver compactions the run committed after its batches (none in records written before compaction existed).</summary>
    public IReadOnlyList<CompactionSummary> Compactions { get; init; } = [];
}
