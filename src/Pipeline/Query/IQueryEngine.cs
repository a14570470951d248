using SpotifyWorker.Pipeline.DuckDb;
using SpotifyWorker.Pipeline.Manifest;

namespace SpotifyWorker.Pipeline.Query;

/// <summary>
/// Runs analysts' SQL over the gold table, the quarantine table and the analytics views
/// (local: DuckDB over the committed files; AWS: Athena).
/// </summary>
public interface IQueryEngine
{
    /// <summary>
    /// Whether the views read the tables that the catalog's refresh writes: Athena's read the Glue tables the crawler
    /// updates, so they are refreshed after it; DuckDB's read the committed files' list, so they are refreshed beside it.
    /// </summary>
    bool ViewsReadCatalog { get; }

    /// <summary>Re-creates every view (CREATE OR REPLACE VIEW) against the committed state.</summary>
    Task RefreshViewsAsync(ManifestState state, CancellationToken cancellationToken);

    /// <summary>Runs one SQL statement against the committed state.</summary>
    Task<QueryResult> QueryAsync(string sql, CancellationToken cancellationToken);
}

/// <summary>A query's result; <see cref="BytesScanned"/> is what the engine billed for (Athena), if known.</summary>
public sealed record QueryResult(IReadOnlyList<QueryColumn> Columns, IReadOnlyList<object?[]> Rows, long? BytesScanned = null);
