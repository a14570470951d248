using SpotifyWorker.Pipeline.Aws.Glue;
using SpotifyWorker.Pipeline.Aws.S3;
using SpotifyWorker.Pipeline.Costs;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Costs;

/// <summary>How requests and job runs become usage: S3's request classes, Glue's DPU-seconds.</summary>
public sealed class UsageCountingTests
{
    [Theory]
    [InlineData("PUT", "", S3RequestClass.PutCopyPostList)]
    [InlineData("POST", "?uploads", S3RequestClass.PutCopyPostList)]
    [InlineData("GET", "?list-type=2&prefix=raw%2F", S3RequestClass.PutCopyPostList)]
    [InlineData("GET", "", S3RequestClass.Get)]
    [InlineData("GET", "?partNumber=1", S3RequestClass.Get)]
    [InlineData("HEAD", "", S3RequestClass.Get)]
    [InlineData("DELETE", "", S3RequestClass.Free)]
    public void Classify_S3Request_FollowsS3Pricing(string method, string query, S3RequestClass expected) =>
        Assert.Equal(expected, CountingS3HttpClientFactory.Classify(new HttpMethod(method), query));

    [Fact]
    public void PutBytes_AwsChunkedBody_IsTheDecodedLength()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "https://b.s3.amazonaws.com/k") { Content = new ByteArrayContent(new byte[300]) };
        request.Headers.Add("x-amz-decoded-content-length", "256");

        Assert.Equal(256, CountingS3HttpClientFactory.PutBytes(request));
    }

    public static TheoryData<JobRun, double?> JobRuns => new()
    {
        { new JobRun { Id = "a", ExecutionTime = 100, DPUSeconds = 150.5, WorkerType = "G.1X", NumberOfWorkers = 10 }, 150.5 }, // auto scaling: reported
        { new JobRun { Id = "b", ExecutionTime = 100, WorkerType = "G.1X", NumberOfWorkers = 2 }, 200 },
        { new JobRun { Id = "c", ExecutionTime = 100, WorkerType = "G.2X", NumberOfWorkers = 2, MaxCapacity = 4 }, 400 },
        { new JobRun { Id = "d", ExecutionTime = 100, WorkerType = "Standard", MaxCapacity = 10 }, 1000 },
        { new JobRun { Id = "e", ExecutionTime = 100 }, null }, // nothing to compute from
    };

    [Theory]
    [MemberData(nameof(JobRuns))]
    public void Of_JobRun_PrefersDpuSecondsElseExecutionTimeTimesCapacity(JobRun run, double? expected) =>
        Assert.Equal(expected, GlueJobUsage.Of(run)?.DpuSeconds);

    [Fact]
    public void Take_AfterCounting_ReturnsTheCountsAndStartsAgain()
    {
        var meter = new UsageMeter();
        meter.RecordS3Request(S3RequestClass.Get);
        meter.RecordS3Request(S3RequestClass.PutCopyPostList);
        meter.RecordBytesWritten(10);
        meter.RecordAthenaQuery(new AthenaQueryUsage("q", 5, true));

        var first = meter.Take();
        var second = meter.Take();

        Assert.Equal((1, 1, 10L, 5L), (first.S3GetRequests, first.S3PutRequests, first.BytesWritten, first.AthenaBytesScanned));
        Assert.Equal(0, second.S3Requests);
        Assert.Empty(second.AthenaQueries);
    }
}
