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
/// it from all silver. Then the engine forgets its own incremental state, if it keeps any. Runs under the lease.
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
            state = await LakeUpgrade.ToCurrentAsync(log, state, runId, time, logger).ConfigureAwait(false);

            var forgotten = state.Files.Values.Where(f => f.Batch >= fromBatch).Select(f => f.Version).ToList();
            var removed = state.LiveFiles.Values
                .Where(f => f.Table == Tables.Gold || LakeLayout.BatchOf(f.Key) >= fromBatch)
                .Select(f => f.Key)
                .ToList();
            var entry = new CommitEntry(state.Seq + 1, Guid.NewGuid().ToString("N"), runId, time.GetUtcNow(), [], [], removed, new BatchStats(0, 0, 0, 0, [], 0))
            {
                Forgotten = forgotten,
            };
            await log.CommitAsync(state, entry, CancellationToken.None).ConfigureAwait(false);
            foreach (var key in removed)
            {
                await stores.Lake.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
            }
            await transform.ResetAsync(cancellationToken).ConfigureAwait(false);
            LogReprocess(fromBatch, entry.Seq, forgotten.Count, removed.Count);
            return new ReprocessResult(entry.Seq, fromBatch, forgotten.Count, removed.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reprocess from batch {FromBatch} committed as {Seq}: {RawFiles} raw file versions are new again, {DataFiles} data files removed; the next run rebuilds gold")]
    private partial void LogReprocess(long fromBatch, long seq, int rawFiles, int dataFiles);
}
