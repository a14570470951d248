using Microsoft.Extensions.Logging;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>What a reprocess made new again.</summary>
public sealed record ReprocessResult(long CommitSeq, long FromBatch, int RawFilesForgotten, int DataFilesRemoved);

/// <summary>
/// <c>reprocess</c>: makes the raw files of batch N and later new again, so the next run processes them under
/// today's rules (after a validation fix, say). It is one commit like any other: it forgets those file versions,
/// removes their silver and quarantine files and every gold file; the next batch finds gold empty and rebuilds
/// it from all silver. After a compaction whose bases hold batches from N on, those batches' versions cannot be
/// taken out of the bases, so it starts over from the raw files (<see cref="ReprocessPlan"/>). Then the engine
/// forgets its own incremental state, if it keeps any. Runs under the lease.
/// </summary>
public sealed partial class Reprocessor(
    LakeStores stores,
    CommitLog log,
    ITransformEngine transform,
    LeaseManager leases,
    TimeProvider time,
    ILogger<Reprocessor> logger)
{
    public async Task<ReprocessResult> ReprocessFromAsync(long fromBatch, CancellationToken cancellationToken)
    {
        var runId = "reprocess-" + PipelineRunner.NewRunId(time);
        var (lease, refusal) = await leases.AcquireAsync(LeaseManager.ProcessOwner, runId, cancellationToken).ConfigureAwait(false);
        if (lease is null) throw new InvalidOperationException(refusal!.YieldLine() + "; reprocess again when its run has finished");
        await using (lease.ConfigureAwait(false))
        {
            var state = await log.LoadAsync(cancellationToken).ConfigureAwait(false);
            if (state.Seq == 0) throw new ArgumentOutOfRangeException(nameof(fromBatch), fromBatch, "Nothing has been committed yet, so there is nothing to reprocess");
            if (fromBatch < 1 || fromBatch > state.Seq)
            {
                throw new ArgumentOutOfRangeException(nameof(fromBatch), fromBatch, $"--from {fromBatch} is not a committed batch: choose 1 to {state.Seq}");
            }

            if (state.PendingReplay().Any())
            {
                throw new InvalidOperationException("The replay of an earlier reprocess has not run yet; run once (run-once, or the schedule), then reprocess again");
            }

            var plan = ReprocessPlan.Of(state, fromBatch);
            var (forgotten, removed) = (plan.Forgotten, plan.Removed);
            var entry = new CommitEntry(state.Seq + 1, Guid.NewGuid().ToString("N"), runId, time.GetUtcNow(), [], [], removed, new BatchStats(0, 0, 0, 0, [], 0))
            {
                Forgotten = forgotten,
                Kind = CommitKind.Reprocess,
                Replay = plan.Replay,
            };
            await log.CommitAsync(state, entry, CancellationToken.None).ConfigureAwait(false);
            foreach (var key in removed)
            {
                await stores.Lake.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
            }
            await transform.ResetAsync(cancellationToken).ConfigureAwait(false);
            LogReprocess(fromBatch, entry.Seq, forgotten.Count, removed.Count);
            if (plan.Replay.Count > 0) LogReplay(plan.Replay.Count, fromBatch);
            return new ReprocessResult(entry.Seq, fromBatch, forgotten.Count, removed.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Compacted silver held versions of batches before {FromBatch}: everything was removed, and the next run replays the raw files of those {Batches} batches first, one batch each")]
    private partial void LogReplay(int batches, long fromBatch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reprocess from batch {FromBatch} committed as {Seq}: {RawFiles} raw file versions are new again, {DataFiles} data files removed; the next run rebuilds gold")]
    private partial void LogReprocess(long fromBatch, long seq, int rawFiles, int dataFiles);
}
