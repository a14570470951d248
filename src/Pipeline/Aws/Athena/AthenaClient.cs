using SpotifyWorker.Pipeline.Aws.Http;

namespace SpotifyWorker.Pipeline.Aws.Athena;

/// <summary>
/// The Athena operations the pipeline uses, shaped like AWSSDK.Athena's <c>AmazonAthenaClient</c> (same method,
/// request and member names), over the AWS JSON 1.1 protocol. Swapping in the SDK touches only this file.
/// </summary>
public interface IAthenaClient
{
    Task<StartQueryExecutionResponse> StartQueryExecutionAsync(StartQueryExecutionRequest request, CancellationToken cancellationToken);
    Task<GetQueryExecutionResponse> GetQueryExecutionAsync(GetQueryExecutionRequest request, CancellationToken cancellationToken);
    Task<GetQueryResultsResponse> GetQueryResultsAsync(GetQueryResultsRequest request, CancellationToken cancellationToken);
    Task<StopQueryExecutionResponse> StopQueryExecutionAsync(StopQueryExecutionRequest request, CancellationToken cancellationToken);
}

public sealed class AthenaClient(AwsJsonClient json) : IAthenaClient
{
    public Task<StartQueryExecutionResponse> StartQueryExecutionAsync(StartQueryExecutionRequest request, CancellationToken cancellationToken) =>
        json.SendAsync<StartQueryExecutionRequest, StartQueryExecutionResponse>("StartQueryExecution", request, cancellationToken);

    public Task<GetQueryExecutionResponse> GetQueryExecutionAsync(GetQueryExecutionRequest request, CancellationToken cancellationToken) =>
        json.SendAsync<GetQueryExecutionRequest, GetQueryExecutionResponse>("GetQueryExecution", request, cancellationToken);

    public Task<GetQueryResultsResponse> GetQueryResultsAsync(GetQueryResultsRequest request, CancellationToken cancellationToken) =>
        json.SendAsync<GetQueryResultsRequest, GetQueryResultsResponse>("GetQueryResults", request, cancellationToken);

    public Task<StopQueryExecutionResponse> StopQueryExecutionAsync(StopQueryExecutionRequest request, CancellationToken cancellationToken) =>
        json.SendAsync<StopQueryExecutionRequest, StopQueryExecutionResponse>("StopQueryExecution", request, cancellationToken);
}

/// <summary>Values of QueryExecutionStatus.State.</summary>
public static class QueryExecutionState
{
    public const string Queued = "QUEUED";
    public const string Running = "RUNNING";
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
    public const string Cancelled = "CANCELLED";
}

public sealed record StartQueryExecutionRequest
{
    public required string QueryString { get; init; }
    /// <summary>Idempotency token (32 to 128 characters): a retried start with the same token starts nothing new.</summary>
    public string? ClientRequestToken { get; init; }
    public QueryExecutionContext? QueryExecutionContext { get; init; }
    public ResultConfiguration? ResultConfiguration { get; init; }
    public string? WorkGroup { get; init; }
}

public sealed record QueryExecutionContext(string? Database, string? Catalog = null);

public sealed record ResultConfiguration(string? OutputLocation);

public sealed record StartQueryExecutionResponse(string QueryExecutionId);

public sealed record GetQueryExecutionRequest(string QueryExecutionId);

public sealed record GetQueryExecutionResponse(QueryExecution QueryExecution);

public sealed record QueryExecution
{
    public required string QueryExecutionId { get; init; }
    public string? Query { get; init; }
    public string? StatementType { get; init; }
    public QueryExecutionStatus? Status { get; init; }
    public QueryExecutionStatistics? Statistics { get; init; }
    public string? WorkGroup { get; init; }
}

public sealed record QueryExecutionStatus
{
    public string? State { get; init; }
    public string? StateChangeReason { get; init; }
    public AthenaError? AthenaError { get; init; }
}

public sealed record AthenaError(int? ErrorCategory, int? ErrorType, string? ErrorMessage);

public sealed record QueryExecutionStatistics
{
    public long? DataScannedInBytes { get; init; }
    public long? EngineExecutionTimeInMillis { get; init; }
    public long? TotalExecutionTimeInMillis { get; init; }
}

public sealed record GetQueryResultsRequest
{
    public required string QueryExecutionId { get; init; }
    public string? NextToken { get; init; }
    public int? MaxResults { get; init; }
}

public sealed record GetQueryResultsResponse(ResultSet? ResultSet, string? NextToken, long? UpdateCount = null);

public sealed record ResultSet(List<Row>? Rows, ResultSetMetadata? ResultSetMetadata);

public sealed record Row(List<Datum>? Data);

public sealed record Datum(string? VarCharValue);

public sealed record ResultSetMetadata(List<ColumnInfo>? ColumnInfo);

public sealed record ColumnInfo
{
    public required string Name { get; init; }
    public string? Label { get; init; }
    public string? Type { get; init; }
}

public sealed record StopQueryExecutionRequest(string QueryExecutionId);

public sealed record StopQueryExecutionResponse;
