using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Generation;

/// <summary>
/// What a generation wrote and what a correct pipeline must make of it. Serializable with
/// <see cref="Storage.StoreJson.Options"/>.
/// </summary>
/// <param name="Files">Every file written, in key order (which is drop order).</param>
/// <param name="Entities">Per entity: distinct keys delivered and data rows written over all its files.</param>
/// <param name="GoldRowsAfterDrop">
/// Rows of spotify_tracks after processing drops 1..k (element k-1), whether the drops are processed one
/// run at a time or together. Injected dirty rows and files do not change it.
/// </param>
/// <param name="Orphans">Album rows that never reach gold because their artist or tracks row never arrives.</param>
/// <param name="InjectedRows">Rows that must be quarantined, each with the physical line its record starts on.</param>
/// <param name="InjectedFiles">Files that must be quarantined whole, or that are awkward but must be processed.</param>
public sealed record GenerationReport(
    GenerationOptions Options,
    IReadOnlyList<GeneratedFile> Files,
    IReadOnlyList<EntityCount> Entities,
    IReadOnlyList<long> GoldRowsAfterDrop,
    IReadOnlyList<OrphanRow> Orphans,
    IReadOnlyList<InjectedRow> InjectedRows,
    IReadOnlyList<InjectedFile> InjectedFiles)
{
    public long TotalBytes => Files.Sum(f => f.Bytes);
}

/// <param name="Rows">Data records in the file (header excluded), injected and duplicate rows included.</param>
/// <param name="Bytes">Size of the stored object (compressed size for .csv.gz).</param>
public sealed record GeneratedFile(string Key, Entity Entity, int Drop, long Rows, long Bytes);

/// <param name="Keys">Distinct keys delivered over all drops (artists.id, albums.track_id, tracks.id).</param>
/// <param name="Rows">Data records over all the entity's files.</param>
public sealed record EntityCount(Entity Entity, long Keys, long Rows);

public enum OrphanReason
{
    ArtistNeverArrives,
    TrackNeverArrives,
}

/// <summary>An album row that stays out of gold; a row with both reasons is listed twice.</summary>
public sealed record OrphanRow(string TrackId, string ArtistId, OrphanReason Reason);

/// <summary>A row the pipeline must quarantine with <paramref name="Reason"/>.</summary>
/// <param name="Line">1-based physical line where the record starts; the header is line 1.</param>
/// <param name="RowKey">The row's key cell ("" for the empty-key row).</param>
public sealed record InjectedRow(string FileKey, Entity Entity, long Line, string RowKey, RejectCode Reason, string Description);

/// <summary>
/// A file the pipeline must quarantine whole (<paramref name="Reason"/> set), or must process without rejects
/// (<paramref name="Reason"/> null) although its form is unusual (BOM, CRLF, empty, header only).
/// </summary>
/// <param name="DataRows">Data records written; for a processed file, the rows read with no rejects.</param>
public sealed record InjectedFile(string FileKey, Entity Entity, RejectCode? Reason, long DataRows, string Description)
{
    public bool MustBeQuarantined => Reason is not null;
}
