using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>
/// Deletes data files that no committed entry names: leftovers of a batch that crashed or lost the commit
/// race, and superseded files whose delete did not happen. Files younger than the grace period are left
/// alone, since they may belong to a batch another worker is still writing; files the last commit
/// superseded are deleted at once, since no commit can name them again. On the local lake it also removes
/// scratch a killed process left under <c>_pipeline/tmp/</c> (a batch's staged copy of its raw files, spill
/// folders, half-written objects) once nothing in it was written within the grace period.
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
        if (stores.Lake is LocalObjectStore local) CollectScratch(local.PathOf(LocalObjectStore.TempPrefix.TrimEnd('/')), cutoff);
        return deleted;
    }

    /// <summary>
    /// Each folder or file directly under the scratch folder (and under its <c>duckdb/</c> folder, where batches
    /// stage) is one owner's; it is abandoned when nothing in it was written since the cutoff. Lock files are
    /// never touched: deleting a held one would let a second writer in.
    /// </summary>
    private void CollectScratch(string scratch, DateTimeOffset cutoff)
    {
        if (!Directory.Exists(scratch)) return;
        var removed = 0;
        long bytes = 0;
        var owners = new DirectoryInfo(scratch).EnumerateFileSystemInfos()
            .Where(e => e.Name is not ("locks" or "duckdb"))
            .Concat(Directory.Exists(Path.Combine(scratch, "duckdb")) ? new DirectoryInfo(Path.Combine(scratch, "duckdb")).EnumerateFileSystemInfos() : []);
        foreach (var entry in owners.ToList())
        {
            try
            {
                var contents = entry is DirectoryInfo folder ? folder.EnumerateFiles("*", SearchOption.AllDirectories).ToList() : [(FileInfo)entry];
                var newest = contents.Select(f => f.LastWriteTimeUtc).Append(entry.LastWriteTimeUtc).Max();
                if (new DateTimeOffset(newest, TimeSpan.Zero) > cutoff) continue;
                var size = contents.Sum(f => f.Length);
                if (entry is DirectoryInfo directory) directory.Delete(recursive: true);
                else entry.Delete();
                removed++;
                bytes += size;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Its owner is still writing or removing it; a later run looks again.
            }
        }
        if (removed > 0) LogScratchCollected(removed, bytes, scratch);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} data files that no commit names (superseded or left by an unfinished batch)")]
    private partial void LogCollected(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleted {Count} abandoned scratch entries ({Bytes} bytes) under {Folder}: left by a run that was killed before it could clean up")]
    private partial void LogScratchCollected(int count, long bytes, string folder);
}
