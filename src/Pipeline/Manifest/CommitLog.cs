using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.Manifest;

/// <summary>
/// The manifest as an append-only log in the lake, in the manner of Delta Lake on S3: committing batch N
/// is a put-if-absent of <c>_pipeline/log/N.json</c>, so exactly one writer wins. Every
/// <see cref="ManifestOptions.CheckpointInterval"/> commits a checkpoint holds the whole state, and
/// <c>_pipeline/_last_checkpoint.json</c> points at the newest one, so loading reads one checkpoint plus
/// the entries after it however long the history grows.
/// </summary>
public sealed partial class CommitLog(IObjectStore store, IOptions<ManifestOptions> options, ILogger<CommitLog> logger)
{
    public const string LogPrefix = "_pipeline/log/";
    public const string CheckpointPrefix = "_pipeline/checkpoint/";
    public const string LastCheckpointKey = "_pipeline/_last_checkpoint.json";

    public static string LogKey(long seq) => LogPrefix + seq.ToString("D20", CultureInfo.InvariantCulture) + ".json";

    public static string CheckpointKey(long seq) => CheckpointPrefix + seq.ToString("D20", CultureInfo.InvariantCulture) + ".json";

    /// <summary>Reads the committed state: the newest checkpoint, then every log entry after it.</summary>
    public async Task<ManifestState> LoadAsync(CancellationToken cancellationToken)
    {
        var state = await LoadCheckpointAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var entry in ReadEntriesAfterAsync(state.Seq, cancellationToken).ConfigureAwait(false))
        {
            state = state.Apply(entry);
        }
        // Every reader (plan, status, query, a run that lost a race with a newer worker) stops here rather than
        // misread files it does not know; writers refused earlier, before taking the lease.
        LakeFormat.EnsureSupported(state.Format, store.Describe(""));
        return state;
    }

    /// <summary>
    /// Commits the next entry with put-if-absent. When the put loses, the existing entry is read back: if it is
    /// this very attempt (its response was lost and the write went through), the commit stands; otherwise
    /// <see cref="CommitConflictException"/>.
    /// </summary>
    public async Task<ManifestState> CommitAsync(ManifestState current, CommitEntry entry, CancellationToken cancellationToken)
    {
        // A new lake records its format in its first entry, as Delta's first commit carries the protocol.
        if (current.Seq == 0 && entry.Format is null) entry = entry with { Format = LakeFormat.Current };
        var next = current.Apply(entry);
        var key = LogKey(entry.Seq);
        try
        {
            using var content = StoreJson.Serialize(entry);
            await store.PutIfAbsentAsync(key, content, cancellationToken).ConfigureAwait(false);
        }
        catch (PreconditionFailedException)
        {
            var existing = await store.ReadJsonAsync<CommitEntry>(key, cancellationToken).ConfigureAwait(false);
            if (existing.CommitId != entry.CommitId) throw new CommitConflictException(entry.Seq, store.Describe(key));
            LogOwnCommitFound(entry.Seq);
        }

        if (entry.Seq % options.Value.CheckpointInterval == 0)
        {
            try
            {
                await WriteCheckpointAsync(next, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The entry is committed; a checkpoint only shortens loading, and the next one will be written.
                LogCheckpointFailed(e, entry.Seq);
            }
        }
        return next;
    }

    /// <summary>The newest <paramref name="count"/> entries, oldest first (for status and reports).</summary>
    public async Task<IReadOnlyList<CommitEntry>> ReadRecentAsync(long lastSeq, int count, CancellationToken cancellationToken)
    {
        var entries = new List<CommitEntry>();
        await foreach (var entry in ReadEntriesAfterAsync(Math.Max(0, lastSeq - count), cancellationToken).ConfigureAwait(false))
        {
            if (entry.Seq > lastSeq) break;
            entries.Add(entry);
        }
        return entries;
    }

    private async IAsyncEnumerable<CommitEntry> ReadEntriesAfterAsync(long seq, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var startAfter = seq == 0 ? null : LogKey(seq);
        await foreach (var info in store.ListAsync(LogPrefix, startAfter, cancellationToken).ConfigureAwait(false))
        {
            if (!info.Key.EndsWith(".json", StringComparison.Ordinal)) continue;
            yield return await store.ReadJsonAsync<CommitEntry>(info.Key, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ManifestState> LoadCheckpointAsync(CancellationToken cancellationToken)
    {
        var (pointer, _) = await store.TryReadJsonAsync<CheckpointPointer>(LastCheckpointKey, cancellationToken).ConfigureAwait(false);
        if (pointer is null) return ManifestState.Empty;
        var (checkpoint, _) = await store.TryReadJsonAsync<Checkpoint>(CheckpointKey(pointer.Seq), cancellationToken).ConfigureAwait(false);
        if (checkpoint is null)
        {
            // The pointer is a hint written after its checkpoint; a missing target means someone deleted it.
            LogCheckpointMissing(pointer.Seq);
            return ManifestState.Empty;
        }
        return checkpoint.ToState();
    }

    private async Task WriteCheckpointAsync(ManifestState state, CancellationToken cancellationToken)
    {
        // Order matters: the checkpoint first, the pointer after, so the pointer never names a missing file.
        await store.PutJsonAsync(CheckpointKey(state.Seq), Checkpoint.From(state), cancellationToken).ConfigureAwait(false);
        await store.PutJsonAsync(LastCheckpointKey, new CheckpointPointer(state.Seq, state.Format), cancellationToken).ConfigureAwait(false);
        LogCheckpointWritten(state.Seq, state.Files.Count, state.LiveFiles.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Commit {Seq} was already written by this attempt (its response was lost); continuing")]
    private partial void LogOwnCommitFound(long seq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkpoint {Seq} named by _last_checkpoint.json is missing; replaying the whole commit log")]
    private partial void LogCheckpointMissing(long seq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkpoint {Seq} could not be written; loading replays the log from the previous checkpoint")]
    private partial void LogCheckpointFailed(Exception exception, long seq);

    [LoggerMessage(Level = LogLevel.Information, Message = "Checkpoint {Seq} written ({RawFiles} raw file versions, {DataFiles} live data files)")]
    private partial void LogCheckpointWritten(long seq, int rawFiles, int dataFiles);

    /// <param name="Format">
    /// The lake format at the checkpoint, so that <see cref="LakeFormat.ReadAsync"/> need not parse the checkpoint
    /// itself before every run; absent in pointers of format 1 lakes.
    /// </param>
    internal sealed record CheckpointPointer(long Seq, int? Format);

    /// <param name="Replay">Pending replay groups (absent in checkpoints written before compaction existed).</param>
    internal sealed record Checkpoint(
        long Seq, DateTimeOffset? LastCommitAt, IReadOnlyList<RawFileRecord> Files, IReadOnlyList<DataFile> LiveFiles, IReadOnlyList<IReadOnlyList<FileVersion>>? Replay = null)
    {
        /// <summary>The lake format at this checkpoint; absent in checkpoints of format 1 lakes.</summary>
        public int? Format { get; init; }

        public static Checkpoint From(ManifestState state) =>
            new(state.Seq, state.LastCommitAt, [.. state.Files.Values.OrderBy(f => f.Key, KeyOrder.Instance).ThenBy(f => f.Batch)], [.. state.LiveFiles.Values], state.Replay) { Format = state.Format };

        public ManifestState ToState() => ManifestState.Empty with
        {
            Seq = Seq,
            Format = Format ?? LakeFormat.Unversioned,
            LastCommitAt = LastCommitAt,
            Files = ManifestState.Empty.Files.AddRange(Files.Select(f => KeyValuePair.Create(f.Version, f))),
            LiveFiles = ManifestState.Empty.LiveFiles.AddRange(LiveFiles.Select(f => KeyValuePair.Create(f.Key, f))),
            Replay = Replay ?? [],
        };
    }
}
