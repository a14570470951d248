using SpotifyWorker.Pipeline.Orchestration;

namespace SpotifyWorker.Pipeline.Reporting;

/// <summary>What the pipeline has been doing: the committed state's figures and the latest runs.</summary>
/// <param name="Runs">Newest first.</param>
/// <param name="QuarantinedFiles">Raw files quarantined whole (unreadable as their entity), newest batch first.</param>
public sealed record PipelineHealth(
    long CommittedSeq,
    DateTimeOffset? LastCommitAt,
    long GoldRows,
    long QuarantinedRows,
    IReadOnlyList<RunSummary> Runs,
    IReadOnlyList<QuarantinedFile> QuarantinedFiles);

/// <summary>A raw file that could not be read as its entity, and why.</summary>
public sealed record QuarantinedFile(string Key, string Entity, long Batch, string? Reason);
