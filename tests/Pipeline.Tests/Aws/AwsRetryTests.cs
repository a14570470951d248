using System.Diagnostics;
using System.Text;
using SpotifyWorker.Pipeline.Aws;
using SpotifyWorker.Pipeline.Aws.Glue;
using SpotifyWorker.Pipeline.Aws.Http;
using SpotifyWorker.Pipeline.Aws.S3;
using SpotifyWorker.Pipeline.Tests.Aws.Support;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Aws;

/// <summary>
/// Transient errors injected by a proxy in front of moto are retried, within bounds; permanent ones are not.
/// </summary>
public sealed class AwsRetryTests(MotoServer moto) : MotoTest(moto)
{
    private static bool IsGlue(ProxiedRequest r) => r.Target?.StartsWith("AWSGlue.", StringComparison.Ordinal) == true;

    private static GetJobRunsRequest Runs => new() { JobName = MotoAws.JobName };

    [Fact]
    public async Task GlueCall_ThrottlingStorm_IsRetriedAndSucceeds()
    {
        await using var proxy = new FaultProxy(Moto.Port, FaultPlans.First(4, new Fault(FaultKind.Throttle), IsGlue));
        var glue = new MotoAws(proxy.Url).Glue;

        var runs = await glue.GetJobRunsAsync(Runs, Ct);

        Assert.Empty(runs.JobRuns ?? []);
        Assert.Equal(4, proxy.Count(FaultKind.Throttle));
        Assert.Equal(5, proxy.Log.Count);
    }

    [Fact]
    public async Task GlueCall_ServerErrorsResetsAndSlowAnswers_AreRetriedAndSucceed()
    {
        await using var proxy = new FaultProxy(Moto.Port, FaultPlans.Sequence(IsGlue,
            new Fault(FaultKind.ServerError), new Fault(FaultKind.Reset), new Fault(FaultKind.Slow, TimeSpan.FromSeconds(3)), new Fault(FaultKind.ServerError), new Fault(FaultKind.Reset)));
        var glue = new MotoAws(proxy.Url, configure: o => o.Retry.AttemptTimeout = TimeSpan.FromMilliseconds(700)).Glue;

        var started = await glue.StartJobRunAsync(new StartJobRunRequest { JobName = MotoAws.JobName, Arguments = new() { ["--batch_seq"] = "1" } }, Ct);

        Assert.StartsWith("jr_", started.JobRunId, StringComparison.Ordinal);
        Assert.Equal([FaultKind.ServerError, FaultKind.Reset, FaultKind.Slow, FaultKind.ServerError, FaultKind.Reset, FaultKind.None], proxy.Log.Select(l => l.Fault));
    }

    [Fact]
    public async Task GlueCall_PermanentlyThrottled_FailsWithinTotalTimeoutNamingTheErrorCode()
    {
        await using var proxy = new FaultProxy(Moto.Port, FaultPlans.Always(new Fault(FaultKind.Throttle)));
        var glue = new MotoAws(proxy.Url, configure: o => o.Retry = new AwsRetryOptions
        {
            MaxAttempts = 100, BaseDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(400),
            TotalTimeout = TimeSpan.FromSeconds(2), AttemptTimeout = TimeSpan.FromSeconds(1),
        }).Glue;
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<AwsRetriesExhaustedException>(() => glue.GetJobRunsAsync(Runs, Ct));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(4));
        Assert.Equal("ThrottlingException", e.ErrorCode);
        Assert.Contains("ThrottlingException: Rate exceeded", e.Message, StringComparison.Ordinal);
        Assert.Contains("AWSGlue.GetJobRuns", e.Message, StringComparison.Ordinal);
        Assert.InRange(e.Attempts, 3, 99);
    }

    [Fact]
    public async Task GlueCall_TotalTimeoutRunsOutDuringAnAttempt_NamesTheErrorThatCausedTheLastRetry()
    {
        await using var proxy = new FaultProxy(Moto.Port, FaultPlans.Sequence(IsGlue, new Fault(FaultKind.Throttle), new Fault(FaultKind.Slow, TimeSpan.FromSeconds(10))));
        var glue = new MotoAws(proxy.Url, configure: o => o.Retry = new AwsRetryOptions
        {
            MaxAttempts = 5, BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(50),
            TotalTimeout = TimeSpan.FromSeconds(1.5), AttemptTimeout = TimeSpan.FromSeconds(1.5),
        }).Glue;

        var e = await Assert.ThrowsAsync<AwsRetriesExhaustedException>(() => glue.GetJobRunsAsync(Runs, Ct));

        Assert.Equal("ThrottlingException", e.ErrorCode);
        Assert.Equal(2, e.Attempts);
    }

    [Fact]
    public async Task GlueCall_TooManyAttempts_StopsAtMaxAttempts()
    {
        await using var proxy = new FaultProxy(Moto.Port, FaultPlans.Always(new Fault(FaultKind.ServerError)));
        var glue = new MotoAws(proxy.Url, configure: o => o.Retry.MaxAttempts = 3).Glue;

        var e = await Assert.ThrowsAsync<AwsRetriesExhaustedException>(() => glue.GetJobRunsAsync(Runs, Ct));

        Assert.Equal(3, e.Attempts);
        Assert.Equal(3, proxy.Log.Count);
        Assert.Equal("InternalServiceException", e.ErrorCode);
    }

    [Fact]
    public async Task GlueCall_AccessDenied_FailsAtOnceWithoutRetry()
    {
        await using var proxy = new FaultProxy(Moto.Port, FaultPlans.Always(new Fault(FaultKind.AccessDenied)));
        var glue = new MotoAws(proxy.Url).Glue;

        var e = await Assert.ThrowsAsync<AccessDeniedException>(() => glue.GetJobRunsAsync(Runs, Ct));

        Assert.Equal("AccessDeniedException", e.ErrorCode);
        Assert.Contains("not authorized", e.Message, StringComparison.Ordinal);
        Assert.Single(proxy.Log);
    }

    [Fact]
    public async Task GlueCall_UnknownJob_MapsToEntityNotFoundWithoutRetry()
    {
        var glue = new MotoAws(Moto.Url).Glue;

        var e = await Assert.ThrowsAsync<EntityNotFoundException>(() => glue.GetJobRunAsync(new GetJobRunRequest { JobName = "nope", RunId = "jr_x" }, Ct));

        Assert.Equal("EntityNotFoundException", e.ErrorCode);
    }

    [Fact]
    public async Task S3Store_SlowDownResetsAnd500s_AreRetriedBySdkAndEveryRequestCarriesOwnerAndEncryption()
    {
        await using var proxy = new FaultProxy(Moto.Port, FaultPlans.Every(2, 4, new Fault(FaultKind.Throttle), new Fault(FaultKind.Reset), new Fault(FaultKind.ServerError)));
        var aws = new MotoAws(proxy.Url, configure: o => o.ExpectedBucketOwner = "123456789012");
        var store = new S3ObjectStore(aws.S3, MotoAws.LakeBucket, "", S3StoreSettings.From(aws.Options), TimeProvider.System);

        for (var i = 0; i < 4; i++) await store.PutAsync($"k{i}.json", new MemoryStream(Encoding.UTF8.GetBytes("{}")), Ct);
        var keys = await store.ListAsync("k", cancellationToken: Ct).Select(o => o.Key).ToListAsync(Ct);
        await using (var read = await store.OpenReadAsync("k3.json", Ct)) Assert.Equal('{', (char)read.ReadByte());

        Assert.Equal(["k0.json", "k1.json", "k2.json", "k3.json"], keys);
        Assert.Equal(4, proxy.Log.Count(l => l.Fault != FaultKind.None));
        Assert.All(proxy.Log, l => Assert.Equal("123456789012", l.Request.Headers.GetValueOrDefault("x-amz-expected-bucket-owner")));
        Assert.All(proxy.Log.Where(l => l.Request.Method == "PUT"), l => Assert.Equal("AES256", l.Request.Headers.GetValueOrDefault("x-amz-server-side-encryption")));
    }
}
