using Microsoft.Extensions.Logging;
using SpotifyWorker.Pipeline.Manifest;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>
/// Brings an older lake to <see cref="LakeFormat.Current"/> at the start of a run or a reprocess, under the lease:
/// one <see cref="CommitKind.Upgrade"/> entry that adds and removes no file, committed with the same put-if-absent
/// as a batch. Format 1 files are read as they are (a batch's silver delta is a format 2 delta), so there is
/// nothing to rewrite; the entry only tells older workers, which would misread compacted silver, to keep out.
/// </summary>
public static partial class LakeUpgrade
{
    /// <summary>The state after the upgrade entry, or <paramref name="state"/> itself when there is nothing to upgrade.</summary>
    public static async Task<ManifestState> ToCurrentAsync(CommitLog log, ManifestState state, string runId, TimeProvider time, ILogger logger)
    {
        // A new lake gets its format with its first entry (CommitLog.CommitAsync); a newer one never gets here.
        if (state.Seq == 0 || state.Format >= LakeFormat.Current) return state;
        var entry = new CommitEntry(state.Seq + 1, Guid.NewGuid().ToString("N"), runId, time.GetUtcNow(), [], [], [], new BatchStats(0, 0, 0, state.RowsOf(Tables.Gold), [], 0))
        {
            Kind = CommitKind.Upgrade,
            Format = LakeFormat.Current,
        };
        // Not cancelled half-way, like a batch's commit: it either lands or loses the race to another writer.
        var next = await log.CommitAsync(state, entry, CancellationToken.None).ConfigureAwait(false);
        LogUpgraded(logger, state.Format, LakeFormat.Current, entry.Seq);
        return next;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lake upgraded from format {From} to {To} in commit {Seq}; workers older than format {To} now refuse this lake, so do not roll the worker back")]
    private static partial void LogUpgraded(ILogger logger, int from, int to, long seq);
}
