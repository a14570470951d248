using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.Manifest;

/// <summary>
/// The lake's format version, recorded in the commit log the way Delta records its protocol: a new lake's first
/// entry and every <see cref="CommitKind.Upgrade"/> entry set <see cref="CommitEntry.Format"/>, and the last one
/// set is the lake's format. A worker writes only the format it knows and refuses a newer one before it writes
/// anything, because an older worker would misread what it cannot see (compacted silver, replay lists).
/// <list type="table">
/// <item><term>1</term><description>
/// Release e076a25 and older (no entry sets a format). Silver is one delta file per batch and entity under
/// <c>silver/&lt;entity&gt;/batch=&lt;seq&gt;/</c>; entries have no kind.
/// </description></item>
/// <item><term>2</term><description>
/// Entries carry a <see cref="CommitKind"/>. Silver is LSM-like: batch deltas as in format 1 plus compacted bases
/// under <c>silver/&lt;entity&gt;/compact=&lt;seq&gt;/</c> (<see cref="DataFile.ToBatch"/>) written by compaction
/// commits, and a reprocess may list raw file versions to replay (<see cref="CommitEntry.Replay"/>). Format 1
/// files are valid format 2 files, so the upgrade is one entry that changes no file.
/// </description></item>
/// </list>
/// </summary>
public static class LakeFormat
{
    /// <summary>The format of a lake whose log never set one: written by a release before formats existed.</summary>
    public const int Unversioned = 1;

    /// <summary>The format this worker reads and writes; older lakes are upgraded to it by their first run.</summary>
    public const int Current = 2;

    /// <summary>Throws <see cref="LakeFormatException"/> when <paramref name="format"/> is newer than this worker knows.</summary>
    public static void EnsureSupported(int format, string lake)
    {
        if (format > Current) throw new LakeFormatException(lake, format);
    }

    /// <summary>
    /// Reads the lake's format and refuses a newer one, writing nothing: no lease, no lock file, no ETag cache
    /// (it reads objects by key and never lists, since a local listing hashes and caches what it finds).
    /// </summary>
    public static async Task EnsureSupportedAsync(IObjectStore lake, CancellationToken cancellationToken) =>
        EnsureSupported(await ReadAsync(lake, cancellationToken).ConfigureAwait(false), lake.Describe(""));

    /// <summary>
    /// The lake's format from the newest checkpoint (its pointer carries it; pointers of format 1 lakes do not) and
    /// the log entries after it, read one by one until the first missing one, without folding the state; a lake with
    /// no commits yet is <see cref="Unversioned"/> until its first entry.
    /// </summary>
    public static async Task<int> ReadAsync(IObjectStore lake, CancellationToken cancellationToken)
    {
        var format = Unversioned;
        var seq = 0L;
        var pointer = await TryReadAsync(lake, CommitLog.LastCheckpointKey, cancellationToken).ConfigureAwait(false);
        if (pointer?.Format is { } atCheckpoint)
        {
            // The pointer is written after its checkpoint, from the same state: a checkpoint of 10,000 files costs a
            // third of a whole load to parse, and this runs before every run.
            (seq, format) = (pointer.Seq, atCheckpoint);
        }
        else if (pointer is not null && await TryReadAsync(lake, CommitLog.CheckpointKey(pointer.Seq), cancellationToken).ConfigureAwait(false) is { } checkpoint)
        {
            (seq, format) = (checkpoint.Seq, checkpoint.Format ?? Unversioned);
        }
        while (await TryReadAsync(lake, CommitLog.LogKey(seq + 1), cancellationToken).ConfigureAwait(false) is { } entry)
        {
            seq++;
            format = entry.Format ?? format;
        }
        return format;
    }

    private static async Task<Versioned?> TryReadAsync(IObjectStore lake, string key, CancellationToken cancellationToken)
    {
        try
        {
            return await lake.ReadJsonAsync<Versioned>(key, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The two fields that a checkpoint pointer, a checkpoint and a log entry share, all else skipped.</summary>
    internal sealed record Versioned(long Seq, int? Format);
}
