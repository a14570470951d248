using System.Collections.Immutable;

namespace SpotifyWorker.Pipeline.Manifest;

/// <summary>
/// The committed state of the lake: every raw file version processed so far and the live data files.
/// It is a fold of the commit log (optionally starting from a checkpoint); nothing else is authoritative.
/// </summary>
public sealed record ManifestState(
    long Seq,
    DateTimeOffset? LastCommitAt,
    ImmutableDictionary<FileVersion, RawFileRecord> Files,
    ImmutableSortedDictionary<string, DataFile> LiveFiles)
{
    public static readonly ManifestState Empty = new(
        0,
        null,
        ImmutableDictionary<FileVersion, RawFileRecord>.Empty,
        ImmutableSortedDictionary.Create<string, DataFile>(StringComparer.Ordinal));

    public bool Contains(string key, string etag) => Files.ContainsKey(new FileVersion(key, etag));

    public IEnumerable<DataFile> FilesOf(string table) => LiveFiles.Values.Where(f => f.Table == table);

    public long RowsOf(string table) => FilesOf(table).Sum(f => f.Rows);

    /// <summary>
    /// The replay groups of the latest reprocess after compaction that no batch has replayed yet
    /// (<see cref="CommitEntry.Replay"/>). A batch that replays a group drops it and every group before it; a
    /// batch of other files means the replay is over.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<FileVersion>> Replay { get; init; } = [];

    /// <summary>Replay groups with a file version not yet in the manifest again: runs plan these first, in order.</summary>
    public IEnumerable<IReadOnlyList<FileVersion>> PendingReplay() => Replay.Where(g => g.Any(v => !Files.ContainsKey(v)));

    /// <summary>Applies the next log entry. Entries must come in sequence: a gap means a torn log.</summary>
    public ManifestState Apply(CommitEntry entry)
    {
        if (entry.Seq != Seq + 1)
        {
            throw new InvalidOperationException($"Commit log entry {entry.Seq} does not follow {Seq}: the log has a gap or a duplicate");
        }
        var files = Files.ToBuilder();
        foreach (var version in entry.Forgotten) files.Remove(version);
        foreach (var file in entry.Files) files[file.Version] = file;
        var live = LiveFiles.ToBuilder();
        foreach (var removed in entry.Removed) live.Remove(removed);
        foreach (var added in entry.Added) live[added.Key] = added;
        return new ManifestState(entry.Seq, entry.CommittedAt, files.ToImmutable(), live.ToImmutable()) { Replay = ReplayAfter(entry) };
    }

    private IReadOnlyList<IReadOnlyList<FileVersion>> ReplayAfter(CommitEntry entry)
    {
        if (entry.Kind == CommitKind.Reprocess) return entry.Replay;
        if (Replay.Count == 0 || entry.Files.Count == 0) return Replay;
        var versions = entry.Files.Select(f => f.Version).ToHashSet();
        var last = -1;
        for (var i = 0; i < Replay.Count; i++)
        {
            if (Replay[i].Any(versions.Contains)) last = i;
        }
        return last < 0 ? [] : [.. Replay.Skip(last + 1)];
    }
}
