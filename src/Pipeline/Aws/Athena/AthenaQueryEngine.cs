using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Aws.Http;
using SpotifyWorker.Pipeline.Costs;
using SpotifyWorker.Pipeline.DuckDb;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Query;

namespace SpotifyWorker.Pipeline.Aws.Athena;

/// <summary>
/// The AWS query engine: the analytics views are created in Athena with the very statements DuckDB runs
/// (<c>CREATE OR REPLACE VIEW</c>, after a crawl, since views go stale after schema changes), and queries run in
/// the configured workgroup over the Glue table. Each statement gets its own idempotency token, reused by the
/// client's retries, so a start whose answer was lost does not run twice. Data scanned is counted for the run summary.
/// </summary>
public sealed partial class AthenaQueryEngine(
    IAthenaClient athena,
    IOptions<AwsOptions> options,
    UsageMeter usage,
    TimeProvider time,
    ILogger<AthenaQueryEngine> logger) : IQueryEngine, IDataScanMeter
{
    private long _scanned;

    private AwsOptions Aws => options.Value;

    /// <summary>Athena results page size (its maximum).</summary>
    internal int PageSize { get; init; } = 1000;

    /// <summary>The views read the Glue tables that the crawler updates.</summary>
    public bool ViewsReadCatalog => true;

    public async Task RefreshViewsAsync(ManifestState state, CancellationToken cancellationToken)
    {
        long scanned = 0;
        foreach (var view in AnalyticsViews.All)
        {
            try
            {
                var execution = await RunAsync(WithoutLeadingComments(view.Sql), cancellationToken).ConfigureAwait(false);
                scanned += execution.Statistics?.DataScannedInBytes ?? 0;
            }
            catch (Exception e) when (e is AthenaQueryFailedException or InvalidRequestException)
            {
                throw new ViewRefreshException(view.Name, e);
            }
        }
        Interlocked.Add(ref _scanned, scanned);
        LogViewsRefreshed(AnalyticsViews.All.Count, state.Seq, Aws.GlueDatabase ?? "", scanned);
    }

    public async Task<QueryResult> QueryAsync(string sql, CancellationToken cancellationToken)
    {
        var execution = await RunAsync(sql, cancellationToken).ConfigureAwait(false);
        var columns = new List<ColumnInfo>();
        var rows = new List<object?[]>();
        string? token = null;
        var first = true;
        do
        {
            var page = await athena.GetQueryResultsAsync(new GetQueryResultsRequest { QueryExecutionId = execution.QueryExecutionId, NextToken = token, MaxResults = PageSize }, cancellationToken).ConfigureAwait(false);
            if (first) columns.AddRange(page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []);
            var pageRows = page.ResultSet?.Rows ?? [];
            // A SELECT's first row is the header (the column labels); DDL results have none.
            var skip = first && execution.StatementType is null or "DML" && pageRows.Count > 0 && IsHeader(pageRows[0], columns) ? 1 : 0;
            foreach (var row in pageRows.Skip(skip))
            {
                var data = row.Data ?? [];
                rows.Add([.. columns.Select((c, i) => AthenaResultMapper.Value(i < data.Count ? data[i].VarCharValue : null, c.Type))]);
            }
            token = page.NextToken;
            first = false;
        }
        while (!string.IsNullOrEmpty(token));
        var scanned = execution.Statistics?.DataScannedInBytes;
        LogQueried(execution.QueryExecutionId, rows.Count, scanned ?? 0);
        return new QueryResult([.. columns.Select(AthenaResultMapper.Column)], rows, scanned);
    }

    public long TakeBytesScanned() => Interlocked.Exchange(ref _scanned, 0);

    /// <summary>Starts one statement and waits for it; stops it when the wait is given up.</summary>
    private async Task<QueryExecution> RunAsync(string sql, CancellationToken cancellationToken)
    {
        var started = await athena.StartQueryExecutionAsync(new StartQueryExecutionRequest
        {
            QueryString = sql,
            ClientRequestToken = Guid.NewGuid().ToString("N"),
            QueryExecutionContext = new QueryExecutionContext(Aws.GlueDatabase),
            ResultConfiguration = Aws.AthenaOutputLocation is null ? null : new ResultConfiguration(Aws.AthenaOutputLocation),
            WorkGroup = Aws.AthenaWorkGroup,
        }, cancellationToken).ConfigureAwait(false);
        var id = started.QueryExecutionId;
        var backoff = new PollBackoff(time, TimeSpan.FromTicks(Math.Min(Aws.JobPollInterval.Ticks, TimeSpan.FromSeconds(5).Ticks)), Aws.QueryTimeout);
        try
        {
            while (true)
            {
                var execution = (await athena.GetQueryExecutionAsync(new GetQueryExecutionRequest(id), cancellationToken).ConfigureAwait(false)).QueryExecution;
                switch (execution.Status?.State)
                {
                    case QueryExecutionState.Succeeded:
                        Record(execution);
                        return execution;
                    case QueryExecutionState.Failed or QueryExecutionState.Cancelled:
                        Record(execution);
                        throw new AthenaQueryFailedException(id, execution.Status.State, execution.Status.AthenaError?.ErrorMessage ?? execution.Status.StateChangeReason);
                }
                if (backoff.Expired)
                {
                    throw new TimeoutException($"Athena query {id} still {execution.Status?.State} after {Aws.QueryTimeout} (Pipeline:Aws:QueryTimeout); it was stopped");
                }
                await backoff.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            await StopQuietlyAsync(id).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Athena bills what a query scanned, also when it is cancelled; DDL statements and failed queries are free.</summary>
    private void Record(QueryExecution execution)
    {
        var billed = execution.Status?.State != QueryExecutionState.Failed && execution.StatementType != "DDL";
        usage.RecordAthenaQuery(new AthenaQueryUsage(execution.QueryExecutionId, execution.Statistics?.DataScannedInBytes ?? 0, billed));
    }

    private async Task StopQuietlyAsync(string id)
    {
        try
        {
            await athena.StopQueryExecutionAsync(new StopQueryExecutionRequest(id), CancellationToken.None).ConfigureAwait(false);
        }
        catch (AwsServiceException e)
        {
            LogStopFailed(id, e.Message);
        }
    }

    private static bool IsHeader(Row row, List<ColumnInfo> columns)
    {
        var data = row.Data ?? [];
        return data.Count == columns.Count && columns.Select((c, i) => data[i].VarCharValue == (c.Label ?? c.Name) || data[i].VarCharValue == c.Name).All(x => x);
    }

    /// <summary>The view files open with documentation comments; Athena takes the statement alone.</summary>
    internal static string WithoutLeadingComments(string sql)
    {
        var lines = sql.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        return string.Join('\n', lines.SkipWhile(l => l.TrimStart().StartsWith("--", StringComparison.Ordinal) || l.Trim().Length == 0)).Trim();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} Athena views refreshed for seq {Seq} in {Database}, {Bytes} bytes scanned")]
    private partial void LogViewsRefreshed(int count, long seq, string database, long bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Athena query {QueryExecutionId}: {Rows} rows, {Bytes} bytes scanned")]
    private partial void LogQueried(string queryExecutionId, int rows, long bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Athena query {QueryExecutionId} could not be stopped: {Reason}")]
    private partial void LogStopFailed(string queryExecutionId, string reason);
}
