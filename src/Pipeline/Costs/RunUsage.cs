namespace SpotifyWorker.Pipeline.Costs;

/// <summary>How S3 bills a request: PUT, COPY, POST and LIST; GET, HEAD and the rest; DELETE is free.</summary>
public enum S3RequestClass
{
    PutCopyPostList,
    Get,
    Free,
}

/// <summary>One Glue job run: the DPU-seconds it used and how long it ran (the 1-minute minimum applies to the duration).</summary>
public sealed record GlueRunUsage(string JobRunId, double DpuSeconds, double ExecutionSeconds, bool Flex);

/// <summary>One Athena query: bytes scanned, and whether it is billed at all (DDL and failed queries are not).</summary>
public sealed record AthenaQueryUsage(string QueryExecutionId, long BytesScanned, bool Billed);

/// <summary>What one run used of the services that bill by use, as the worker counted it.</summary>
public sealed record RunUsage(
    IReadOnlyList<GlueRunUsage> GlueRuns,
    IReadOnlyList<AthenaQueryUsage> AthenaQueries,
    long S3PutRequests,
    long S3GetRequests,
    long S3FreeRequests,
    long BytesWritten)
{
    public static readonly RunUsage None = new([], [], 0, 0, 0, 0);

    public double GlueDpuSeconds => GlueRuns.Sum(r => r.DpuSeconds);
    public long AthenaBytesScanned => AthenaQueries.Sum(q => q.BytesScanned);
    public long S3Requests => S3PutRequests + S3GetRequests + S3FreeRequests;
}
