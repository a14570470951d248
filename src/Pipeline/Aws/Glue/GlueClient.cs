using SpotifyWorker.Pipeline.Aws.Http;

namespace SpotifyWorker.Pipeline.Aws.Glue;

/// <summary>
/// The Glue operations the pipeline uses, shaped like AWSSDK.Glue's <c>AmazonGlueClient</c> (same method, request
/// and member names), over the AWS JSON 1.1 protocol. AWSSDK.Glue is not served by this project's package mirror;
/// replacing this file with the SDK client (and these records with its model types) is the whole swap.
/// </summary>
public interface IGlueClient
{
    Task<StartJobRunResponse> StartJobRunAsync(StartJobRunRequest request, CancellationToken cancellationToken);
    Task<GetJobRunResponse> GetJobRunAsync(GetJobRunRequest request, CancellationToken cancellationToken);
    Task<GetJobRunsResponse> GetJobRunsAsync(GetJobRunsRequest request, CancellationToken cancellationToken);
    Task<StartCrawlerResponse> StartCrawlerAsync(StartCrawlerRequest request, CancellationToken cancellationToken);
    Task<GetCrawlerResponse> GetCrawlerAsync(GetCrawlerRequest request, CancellationToken cancellationToken);
    Task<GetTableResponse> GetTableAsync(GetTableRequest request, CancellationToken cancellationToken);
    Task<GetPartitionsResponse> GetPartitionsAsync(GetPartitionsRequest request, CancellationToken cancellationToken);
}

public sealed class GlueClient(AwsJsonClient json) : IGlueClient
{
    public AwsJsonClient Json => json;

    public Task<StartJobRunResponse> StartJobRunAsync(StartJobRunRequest request, CancellationToken cancellationToken) =>
        json.SendAsync<StartJobRunRequest, StartJobRunResponse>("StartJobRun", request, cancellationToken);

    public Task<GetJobRunResponse> GetJobRunAsync(GetJobRunRequest request, CancellationToken cancellationToken) =>
        json.SendAsync<GetJobRunRequest, GetJobRunResponse>("GetJobRun", request, cancellationToken);

    public Task<GetJobRunsResponse> GetJobRunsAsync(GetJobRunsRequest request, CancellationToken cancellationToken) =>
        json.SendAsync<GetJobRunsRequest, GetJobRunsResponse>("GetJobRuns", request, cancellationToken);

    public Task<StartCrawlerResponse> StartCrawlerAsync(StartCrawlerRequest request, CancellationToken cancellationToken) =>
        json.SendAsync<StartCrawlerRequest, StartCrawlerResponse>("StartCrawler", request, cancellationToken);

    public Task<GetCrawlerResponse> GetCrawlerAsync(GetCrawlerRequest request, CancellationToken cancellationToken) =>
        json.SendAsync<GetCrawlerRequest, GetCrawlerResponse>("GetCrawler", request, cancellationToken);

    public Task<GetTableResponse> GetTableAsync(GetTableRequest request, CancellationToken cancellationToken) =>
        json.SendAsync<GetTableRequest, GetTableResponse>("GetTable", request, cancellationToken);

    public Task<GetPartitionsResponse> GetPartitionsAsync(GetPartitionsRequest request, CancellationToken cancellationToken) =>
        json.SendAsync<GetPartitionsRequest, GetPartitionsResponse>("GetPartitions", request, cancellationToken);
}

/// <summary>Values of JobRun.JobRunState (the SDK's JobRunState constants).</summary>
public static class JobRunState
{
    public const string Starting = "STARTING";
    public const string Running = "RUNNING";
    public const string Stopping = "STOPPING";
    public const string Stopped = "STOPPED";
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
    public const string Timeout = "TIMEOUT";
    public const string Error = "ERROR";
    public const string Waiting = "WAITING";
    public const string Expired = "EXPIRED";

    /// <summary>States from which a run still changes: a batch attaches to such a run rather than start another.</summary>
    public static bool IsActive(string? state) => state is Starting or Running or Stopping or Waiting;
}

/// <summary>Values of Crawler.State and LastCrawlInfo.Status.</summary>
public static class CrawlerState
{
    public const string Ready = "READY";
    public const string Running = "RUNNING";
    public const string Stopping = "STOPPING";
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
    public const string Cancelled = "CANCELLED";
}

public sealed record StartJobRunRequest
{
    public required string JobName { get; init; }
    public Dictionary<string, string>? Arguments { get; init; }
    public string? JobRunId { get; init; }
    public int? Timeout { get; init; }
}

public sealed record StartJobRunResponse(string JobRunId);

public sealed record GetJobRunRequest
{
    public required string JobName { get; init; }
    public required string RunId { get; init; }
}

public sealed record GetJobRunResponse(JobRun JobRun);

public sealed record GetJobRunsRequest
{
    public required string JobName { get; init; }
    public int? MaxResults { get; init; }
    public string? NextToken { get; init; }
}

public sealed record GetJobRunsResponse(List<JobRun>? JobRuns, string? NextToken);

public sealed record JobRun
{
    public required string Id { get; init; }
    public string? JobName { get; init; }
    public int? Attempt { get; init; }
    public string? JobRunState { get; init; }
    public Dictionary<string, string>? Arguments { get; init; }
    public string? ErrorMessage { get; init; }
    public DateTimeOffset? StartedOn { get; init; }
    public DateTimeOffset? CompletedOn { get; init; }
    public int? ExecutionTime { get; init; }
    public double? DPUSeconds { get; init; }
    public double? MaxCapacity { get; init; }
    public int? NumberOfWorkers { get; init; }
    public string? WorkerType { get; init; }
    public string? ExecutionClass { get; init; }
}

public sealed record StartCrawlerRequest
{
    public required string Name { get; init; }
}

public sealed record StartCrawlerResponse;

public sealed record GetCrawlerRequest
{
    public required string Name { get; init; }
}

public sealed record GetCrawlerResponse(Crawler Crawler);

public sealed record Crawler
{
    public required string Name { get; init; }
    public string? State { get; init; }
    public LastCrawlInfo? LastCrawl { get; init; }
    public string? DatabaseName { get; init; }
}

public sealed record LastCrawlInfo
{
    public string? Status { get; init; }
    public string? ErrorMessage { get; init; }
    public string? LogGroup { get; init; }
    public string? LogStream { get; init; }
    public DateTimeOffset? StartTime { get; init; }
}

public sealed record GetTableRequest
{
    public required string DatabaseName { get; init; }
    public required string Name { get; init; }
    public string? CatalogId { get; init; }
}

public sealed record GetTableResponse(Table Table);

public sealed record Table
{
    public required string Name { get; init; }
    public string? DatabaseName { get; init; }
    public string? VersionId { get; init; }
    public StorageDescriptor? StorageDescriptor { get; init; }
    public List<Column>? PartitionKeys { get; init; }
    public DateTimeOffset? UpdateTime { get; init; }
}

public sealed record StorageDescriptor
{
    public List<Column>? Columns { get; init; }
    public string? Location { get; init; }
}

public sealed record Column(string Name, string? Type);

public sealed record GetPartitionsRequest
{
    public required string DatabaseName { get; init; }
    public required string TableName { get; init; }
    public string? Expression { get; init; }
    public int? MaxResults { get; init; }
    public string? NextToken { get; init; }
}

public sealed record GetPartitionsResponse(List<Partition>? Partitions, string? NextToken);

public sealed record Partition
{
    public List<string>? Values { get; init; }
    public StorageDescriptor? StorageDescriptor { get; init; }
}
