using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>
/// Deletes data files that no committed entry names: leftovers of a batch that crashed or lost the commit
/// race, and superseded files whose delete did not happen. Files younger than the grace period are left
/// alone, since they may belong to a batch another worker is still writing; files the last commit
/// superseded are deleted at once, since no commit can name them again.
/// </summary>
public sealed partial class GarbageCollector(LakeStores stores, CommitLog log, IOptions<ManifestOptions> options, TimeProvider time, ILogger<GarbageCollector> logger)
{
    public async Task<int> CollectAsync(ManifestState state, CancellationToken cancellationToken)
    {
        var deleted = 0;
        if (state.Seq > 0)
        {
            var last = await log.ReadRecentAsync(state.Seq, 1, cancellationToken).ConfigureAwait(false);
            foreach (var key in last.SelectMany(e => e.Removed))
            {
                if (await stores.Lake.HeadAsync(key, cancellationToken).ConfigureAwait(false) is null) continue;
                await stores.Lake.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
                deleted++;
            }
        }

        var cutoff = time.GetUtcNow() - options.Value.GarbageGracePeriod;
        foreach (var prefix in LakeLayout.DataPrefixes)
        {
            await foreach (var info in stores.Lake.ListAsync(prefix, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (state.LiveFiles.ContainsKey(info.Key) || info.LastModified > cutoff) continue;
                await stores.Lake.DeleteAsync(info.Key, cancellationToken).ConfigureAwait(false);
                deleted++;
            }
        }
        if (deleted > 0) LogCollected(deleted);
        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} data files that no commit names (superseded or left by an unfinished batch)")]
    private partial void LogCollected(int count);
}
