using System.Text.Json.Serialization;
using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Manifest;

public enum FileOutcome
{
    Processed,
    Quarantined,
}

/// <summary>One version of one raw file: a file is new when its (key, ETag) is not in the manifest.</summary>
public readonly record struct FileVersion(string Key, string ETag);

/// <summary>What the manifest records about a processed raw file.</summary>
public sealed record RawFileRecord(
    string Key,
    string ETag,
    long Size,
    DateTimeOffset LastModified,
    Entity Entity,
    long Batch,
    long RowsRead,
    long RowsRejected,
    FileOutcome Outcome,
    string? Reason)
{
    /// <summary>Derived from Key and ETag, so not stored: a checkpoint names every raw file version ever processed.</summary>
    [JsonIgnore]
    public FileVersion Version => new(Key, ETag);
}

/// <summary>A data file of a table in the lake, named by a committed log entry.</summary>
/// <param name="Table">spotify_tracks, silver_artists, silver_albums, silver_tracks or quarantine.</param>
/// <param name="ReleaseYear">The partition of a gold file; null for other tables.</param>
/// <param name="ToBatch">
/// A compacted silver base: the highest batch whose rows it holds (it holds the current version of every key of
/// batches 1..ToBatch). Null for a batch's own files, whose batch is in their key.
/// </param>
public sealed record DataFile(string Key, string Table, long Rows, long Bytes, int? ReleaseYear = null, long? ToBatch = null);

/// <summary>Figures of one committed batch, kept in the log for status and reports.</summary>
public sealed record BatchStats(
    long RowsRead,
    long RowsRejected,
    long GoldRowsWritten,
    long GoldRowsTotal,
    IReadOnlyList<int> PartitionsRewritten,
    double TransformSeconds);

/// <summary>
/// One entry of the append-only commit log: the batch's raw files, the data files it added and the
/// data files it superseded. <see cref="CommitId"/> is unique per attempt, so a writer whose response
/// was lost can recognise its own entry when it retries.
/// </summary>
public sealed record CommitEntry(
    long Seq,
    string CommitId,
    string RunId,
    DateTimeOffset CommittedAt,
    IReadOnlyList<RawFileRecord> Files,
    IReadOnlyList<DataFile> Added,
    IReadOnlyList<string> Removed,
    BatchStats Stats)
{
    /// <summary>Raw file versions a <c>reprocess</c> entry makes new again (empty for a batch).</summary>
    public IReadOnlyList<FileVersion> Forgotten { get; init; } = [];

    /// <summary>What the entry is; entries written before lake format 2 have none and are batches or reprocesses.</summary>
    public CommitKind? Kind { get; init; }

    /// <summary>The lake format version from this entry on, when the entry sets it (an upgrade, or a new lake's first entry).</summary>
    public int? Format { get; init; }

    /// <summary>
    /// A <c>reprocess</c> whose compacted silver held versions of batches before its start: the raw file versions
    /// of those batches, one list per original batch in batch order. Runs replay each list as one batch, in order,
    /// before planning anything else, so the lake equals one loaded with those batches and then everything again.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<FileVersion>> Replay { get; init; } = [];
}

public enum CommitKind
{
    Batch,
    Reprocess,
    Compaction,
    Upgrade,
}

/// <summary>Names of the lake's tables.</summary>
public static class Tables
{
    public const string Gold = "spotify_tracks";
    public const string Quarantine = "quarantine";

    public static string Silver(Entity entity) => "silver_" + entity.Name();
}
