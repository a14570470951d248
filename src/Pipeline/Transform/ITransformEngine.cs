using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;

namespace SpotifyWorker.Pipeline.Transform;

/// <summary>
/// Turns one batch of raw files into silver, quarantine and gold files under new unique names. It publishes
/// nothing: the files become part of the lake only when the orchestrator commits the returned output.
/// </summary>
public interface ITransformEngine
{
    Task<BatchOutput> ExecuteAsync(BatchWork work, CancellationToken cancellationToken);

    /// <summary>
    /// Forgets any incremental state the engine keeps on its own side, for <c>reprocess</c>; neither engine keeps
    /// any today (Glue job bookmarks are off), the manifest is the authority on what was processed.
    /// </summary>
    Task ResetAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Compaction: writes, for every entity, one new silver base holding the current version of each key over all
    /// live silver files (Sql/compact_&lt;entity&gt;.sql), under <see cref="LakeLayout.SilverCompacted"/> keys with
    /// <see cref="DataFile.ToBatch"/> set. Like a batch it publishes nothing; the orchestrator commits the output,
    /// which supersedes every silver file it read.
    /// </summary>
    Task<CompactionOutput> CompactAsync(CompactionWork work, CancellationToken cancellationToken);
}

/// <summary>One compaction, committed as log entry <see cref="Seq"/>, over the silver files live in <see cref="Committed"/>.</summary>
public sealed record CompactionWork(long Seq, string RunId, ManifestState Committed, IRunLease Lease);

/// <summary>The new silver bases and the silver files they replace.</summary>
public sealed record CompactionOutput(IReadOnlyList<DataFile> Added, IReadOnlyList<string> Superseded)
{
    public IReadOnlyDictionary<string, double> StepSeconds { get; init; } = new Dictionary<string, double>();

    /// <summary>As <see cref="BatchOutput.OutputsExclusive"/>.</summary>
    public bool OutputsExclusive { get; init; } = true;
}

/// <summary>A raw file in a batch; <see cref="Ordinal"/> is its position in key order (later wins).</summary>
public sealed record BatchFile(string Key, string ETag, long Size, DateTimeOffset LastModified, Entity Entity, int Ordinal);

/// <summary>One batch to transform against the committed state, under the run's lease.</summary>
public sealed record BatchWork(long Seq, string RunId, IReadOnlyList<BatchFile> Files, ManifestState Committed, IRunLease Lease);

/// <summary>What became of one raw file.</summary>
public sealed record FileResult(BatchFile File, long RowsRead, long RowsRejected, FileOutcome Outcome, string? Reason);

/// <summary>Files written for a batch, and the committed gold files they replace.</summary>
public sealed record BatchOutput(
    IReadOnlyList<FileResult> Files,
    IReadOnlyList<DataFile> Added,
    IReadOnlyList<string> Superseded,
    long GoldRowsWritten,
    IReadOnlyList<int> PartitionsRewritten)
{
    /// <summary>Seconds spent in the engine's own steps (stage, validate, gold, ...), for the run summary.</summary>
    public IReadOnlyDictionary<string, double> StepSeconds { get; init; } = new Dictionary<string, double>();

    /// <summary>
    /// Whether <see cref="Added"/> belongs to this batch attempt alone, so that a batch which does not commit may
    /// delete it. False when another worker can hold the same files (a Glue job run it attached to): that worker may
    /// be committing them, and only the garbage collector, which spares files younger than its grace period,
    /// removes them.
    /// </summary>
    public bool OutputsExclusive { get; init; } = true;

    /// <summary>
    /// What the engine still finishes after it returned (DuckDB: closing the batch's session, which frees its memory, and
    /// removing its scratch folder), beside the commit and the refresh. The runner awaits it before the engine's next
    /// batch or compaction and before the run ends.
    /// </summary>
    public Task Closing { get; init; } = Task.CompletedTask;
}
