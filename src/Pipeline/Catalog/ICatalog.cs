using SpotifyWorker.Pipeline.Manifest;

namespace SpotifyWorker.Pipeline.Catalog;

/// <summary>
/// The schema catalog of the lake's tables (local: _pipeline/catalog.json; AWS: the Glue Data Catalog,
/// refreshed by the crawler). Refreshed after each commit so that queries see new columns and partitions.
/// </summary>
public interface ICatalog
{
    Task<CatalogRefresh> RefreshAsync(ManifestState state, CancellationToken cancellationToken);
}

/// <summary>What a refresh found: the tables it recorded and any schema that changed.</summary>
public sealed record CatalogRefresh(IReadOnlyList<string> Tables, IReadOnlyList<SchemaChange> Changes);

/// <summary>A table's columns changed; the catalog recorded <see cref="Version"/> as its new schema version.</summary>
public sealed record SchemaChange(string Table, int Version, IReadOnlyList<string> Added, IReadOnlyList<string> Changed, IReadOnlyList<string> Removed);
