namespace SpotifyWorker.Pipeline.Catalog;

/// <summary>A schema a table had from commit <see cref="Seq"/> on (until the next version).</summary>
public sealed record TableSchemaVersion(int Version, long Seq, IReadOnlyList<TableColumn> Columns);
