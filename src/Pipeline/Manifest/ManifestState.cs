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

    /// <summary>The lake format (<see cref="LakeFormat"/>): the last one an entry set, 1 when none did.</summary>
    public int Format { get; init; } = LakeFormat.Unversioned;

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
        return new ManifestState(entry.Seq, entry.CommittedAt, files.ToImmutable(), live.ToImmutable()) { Format = entry.Format ?? Format };
    }
}
