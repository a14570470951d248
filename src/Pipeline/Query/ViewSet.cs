using DuckDB.NET.Data;
using SpotifyWorker.Pipeline.Catalog;
using SpotifyWorker.Pipeline.DuckDb;
using SpotifyWorker.Pipeline.Manifest;

namespace SpotifyWorker.Pipeline.Query;

/// <summary>
/// What a DuckDB reader of the lake sees: a view per table over its committed files (absolute paths), then the
/// analytics views on top. Queries and the analytics.duckdb file are built from this one definition.
/// </summary>
internal static class ViewSet
{
    public static IReadOnlyList<ViewDefinition> Build(ManifestState state, Func<string, string> pathOf, IReadOnlyList<ViewDefinition> analytics) =>
    [
        .. LakeTable.All.Select(table => new ViewDefinition(
            table.Name,
            $"CREATE OR REPLACE VIEW {table.Name} AS {LakeTableSql.Select(table, [.. state.FilesOf(table.Name).Select(f => pathOf(f.Key))])}")),
        .. analytics,
    ];

    /// <summary>
    /// Creates the views in order and reads zero rows of each lake table's: DuckDB binds a view when it is created, but
    /// a file that is not valid Parquet only fails when read, and either way the error must name the view. The other
    /// views read the lake tables' views, whose files are read by then, so binding them is their whole check: reading
    /// them as well bound each once more over every gold file's footer (about 30 ms of the refresh at scale 1).
    /// </summary>
    public static async Task CreateAsync(DuckDbSession session, IReadOnlyList<ViewDefinition> views, CancellationToken cancellationToken)
    {
        // Every analytics view binds spotify_tracks again, and union_by_name reads the footer of every file at each
        // bind: cached, the footers are parsed once per session (views refresh 0.4x). Committed files never change
        // in place, and DuckDB checks each file's modification time before it trusts the cache anyway.
        await session.ExecuteAsync("SET parquet_metadata_cache = true", cancellationToken).ConfigureAwait(false);
        foreach (var view in views)
        {
            try
            {
                await session.ExecuteAsync(view.Sql, cancellationToken).ConfigureAwait(false);
                if (LakeTable.All.Any(t => t.Name == view.Name))
                {
                    await session.ExecuteAsync($"SELECT * FROM {view.Name} LIMIT 0", cancellationToken).ConfigureAwait(false);
                }
            }
            catch (DuckDBException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ViewRefreshException(view.Name, e);
            }
        }
    }
}
