using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.DuckDb;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.Query;

/// <summary>
/// The query engine of the local backend: an in-memory DuckDB session per query with views over the committed
/// files only. After each commit it also writes <c>_pipeline/analytics.duckdb</c>, a database file holding the
/// same views, which an analyst opens read-only with the duckdb CLI (or any DuckDB client).
/// </summary>
public sealed partial class DuckDbQueryEngine : IQueryEngine
{
    public const string AnalyticsDatabaseKey = "_pipeline/analytics.duckdb";

    private readonly LocalObjectStore _lake;
    private readonly IOptions<DuckDbOptions> _options;
    private readonly CommitLog _commitLog;
    private readonly ILogger<DuckDbQueryEngine> _logger;
    private readonly IReadOnlyList<ViewDefinition> _analytics;

    public DuckDbQueryEngine(LakeStores stores, IOptions<DuckDbOptions> options, CommitLog commitLog, ILogger<DuckDbQueryEngine> logger)
        : this(stores, options, commitLog, logger, AnalyticsViews.All)
    {
    }

    /// <summary>With a chosen set of analytics views (tests use it to plant a broken one).</summary>
    internal DuckDbQueryEngine(LakeStores stores, IOptions<DuckDbOptions> options, CommitLog commitLog, ILogger<DuckDbQueryEngine> logger, IReadOnlyList<ViewDefinition> analytics)
    {
        _lake = stores.Lake as LocalObjectStore
            ?? throw new InvalidOperationException("The DuckDB query engine needs the local lake (Pipeline:Backend=local)");
        _options = options;
        _commitLog = commitLog;
        _logger = logger;
        _analytics = analytics;
    }

    /// <summary>The views read the committed files' list, not the catalog.</summary>
    public bool ViewsReadCatalog => false;

    /// <summary>Runs one statement against the state the commit log holds now.</summary>
    public async Task<QueryResult> QueryAsync(string sql, CancellationToken cancellationToken)
    {
        var state = await _commitLog.LoadAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(state, sql, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one statement against a committed state the caller already holds.</summary>
    public async Task<QueryResult> QueryAsync(ManifestState state, string sql, CancellationToken cancellationToken)
    {
        using var scratch = DuckDbScratch.Open(_options.Value, _lake, "query");
        await ViewSet.CreateAsync(scratch.Session, Views(state), cancellationToken).ConfigureAwait(false);
        var rows = await scratch.Session.QueryAsync(sql, cancellationToken).ConfigureAwait(false);
        return new QueryResult(rows.Columns, rows.Rows);
    }

    /// <summary>
    /// Builds every view in a new database file and reads each once; only when all of them work is the file
    /// renamed over <c>_pipeline/analytics.duckdb</c>, so a broken view leaves the previous file in place.
    /// </summary>
    public async Task RefreshViewsAsync(ManifestState state, CancellationToken cancellationToken)
    {
        var views = Views(state);
        var target = _lake.PathOf(AnalyticsDatabaseKey);
        var temp = _lake.PathOf($"{LocalObjectStore.TempPrefix}analytics-{Guid.NewGuid():N}.duckdb");
        try
        {
            using (var scratch = DuckDbScratch.Open(_options.Value, _lake, "views"))
            {
                var session = scratch.Session;
                await session.ExecuteAsync($"ATTACH {DuckDbSession.Literal(temp)} AS analytics", cancellationToken).ConfigureAwait(false);
                // Created while the file is the default database, the views name their tables unqualified, and so
                // they resolve in whatever name the analyst's client gives the file.
                await session.ExecuteAsync("USE analytics", cancellationToken).ConfigureAwait(false);
                await ViewSet.CreateAsync(session, views, cancellationToken).ConfigureAwait(false);
                await session.ExecuteAsync("CHECKPOINT; USE memory; DETACH analytics", cancellationToken).ConfigureAwait(false);
            }
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
            File.Delete(temp + ".wal");
        }
        LogViewsRefreshed(views.Count, state.Seq, target);
    }

    private IReadOnlyList<ViewDefinition> Views(ManifestState state) => ViewSet.Build(state, _lake.PathOf, _analytics);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} views refreshed for seq {Seq} in {Path}")]
    private partial void LogViewsRefreshed(int count, long seq, string path);
}
