using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>
/// Silver compaction as its own commit (<see cref="CommitKind.Compaction"/>): no raw files, the new bases added and
/// every silver file they replace removed, through the same put-if-absent commit as a batch. Until it commits the
/// bases are garbage, discarded like a batch's files; after it, the superseded files are deleted (or by the
/// next run's garbage collector). Gold and quarantine are untouched: a base holds the same current versions.
/// </summary>
public sealed partial class PipelineRunner
{
    /// <summary>
    /// The <c>compact</c> verb: compacts silver now, whatever the policy says, then refreshes catalog and views
    /// (they name the files it replaced). Null when silver is already one base per entity. The caller holds the lease.
    /// </summary>
    public async Task<CompactionSummary?> CompactNowAsync(string runId, IRunLease lease, CancellationToken cancellationToken)
    {
        var steps = new Dictionary<string, double>();
        var state = await log.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (!CompactionPolicy.HasWork(state)) return null;
        var (next, summary) = await CompactAsync(runId, lease, state, "requested", steps, [], cancellationToken).ConfigureAwait(false);
        if (summary is not null) await RefreshAsync(next, steps, cancellationToken).ConfigureAwait(false);
        return summary;
    }

    /// <summary>After a batch: compacts when the policy says silver is due.</summary>
    private async Task<(ManifestState State, CompactionSummary? Summary)> CompactIfDueAsync(
        string runId, IRunLease lease, ManifestState state, Dictionary<string, double> steps, List<Task> closings, CancellationToken cancellationToken)
    {
        var reason = CompactionPolicy.Due(state, compaction.Value);
        if (reason is null) return (state, null);
        // A safe point like the start of a batch: the batch is committed and nothing of the compaction exists yet.
        cancellationToken.ThrowIfCancellationRequested();
        return await CompactAsync(runId, lease, state, reason, steps, closings, cancellationToken).ConfigureAwait(false);
    }

    /// <param name="closings">The batches' <see cref="Transform.BatchOutput.Closing"/>, awaited before the engine compacts.</param>
    private async Task<(ManifestState State, CompactionSummary? Summary)> CompactAsync(
        string runId, IRunLease lease, ManifestState state, string reason, Dictionary<string, double> steps, List<Task> closings, CancellationToken cancellationToken)
    {
        var seq = state.Seq + 1;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["CompactionSeq"] = seq });
        LogCompactionStarted(seq, reason);
        progress.Phase($"compacting silver as commit {seq}: {reason}");
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(closings).ConfigureAwait(false);
        var output = await transform.CompactAsync(new CompactionWork(seq, runId, state, lease), cancellationToken).ConfigureAwait(false);
        foreach (var (step, stepSeconds) in output.StepSeconds) Add(steps, step, stepSeconds);
        if (output.Superseded.Count == 0) return (state, null);

        var entry = new CommitEntry(
            seq,
            Guid.NewGuid().ToString("N"),
            runId,
            time.GetUtcNow(),
            [],
            output.Added,
            output.Superseded,
            new BatchStats(0, 0, 0, state.RowsOf(Tables.Gold), [], clock.Elapsed.TotalSeconds))
        {
            Kind = CommitKind.Compaction,
        };
        var next = await PublishAsync(state, entry, output.OutputsExclusive, cancellationToken).ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        Add(steps, "compaction", seconds);
        var summary = new CompactionSummary(seq, reason, output.Added.Count, output.Superseded.Count, output.Added.Sum(f => f.Rows), seconds);
        LogCompactionCommitted(seq, summary.BasesWritten, summary.RowsKept, summary.FilesSuperseded, seconds);
        return (next, summary);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Compaction {Seq}: compacting silver ({Reason})")]
    private partial void LogCompactionStarted(long seq, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Compaction {Seq} committed: {Bases} silver bases with {Rows} current rows replace {Superseded} files ({Seconds:F2} s)")]
    private partial void LogCompactionCommitted(long seq, int bases, long rows, int superseded, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replay after reprocess: {Count} raw file versions of the replayed batches are gone from the raw prefix and are skipped: {Versions}")]
    private partial void LogReplayMissing(int count, string versions);
}
