using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Aws.S3;
using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.Aws.Support;
using SpotifyWorker.Pipeline.Tests.Reliability;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Aws;

/// <summary>
/// The AWS faults a retry alone does not settle, through the proxy in front of moto: a conditional write that
/// lands but whose answer is lost (the SDK's retry then gets 412 for its own write), and credentials that expire
/// or are revoked while a run is in progress. Each run's gold must equal the embedded backend's over the same
/// drops, with every raw file recorded once and no uncommitted data file left.
/// </summary>
public sealed class AwsWriteFaultTests(MotoServer moto) : MotoTest(moto, "lake/")
{
    private static readonly GenerationOptions Drops = new() { Scale = 0.001, Drops = 2, Seed = 17, Dirty = true, MaxParallelism = 2 };

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Pipeline:Batch:MaxFiles"] = "4",
        ["Pipeline:Lease:Duration"] = "00:00:04",
        ["Pipeline:Lease:RenewInterval"] = "00:00:01",
    };

    private S3ObjectStore Lake => new(Aws.S3, MotoAws.LakeBucket, Aws.Options.LakePrefix, new S3StoreSettings(), TimeProvider.System);

    private S3ObjectStore Raw => new(Aws.S3, MotoAws.RawBucket, "", new S3StoreSettings(), TimeProvider.System);

    private CommitLog Log => new(Lake, Options.Create(new ManifestOptions()), NullLogger<CommitLog>.Instance);

    protected override async Task SetUpAsync()
    {
        await PreparePipelineAsync();
        await GeneratedRaw.PutAsync(Aws, Drops, Ct);
    }

    private static bool IsS3Put(ProxiedRequest r, string keyPart) => r.IsS3 && r.Method == "PUT" && r.Path.Contains(keyPart, StringComparison.Ordinal);

    private static Task<RunSummary> RunAsync(ServiceProvider worker) => worker.GetRequiredService<RunCoordinator>().RunAsync(Ct);

    /// <summary>Gold equals the reference, every raw file is recorded once, and nothing uncommitted is left.</summary>
    private async Task AssertLakeIsTheReferenceAsync()
    {
        await LakeInspector.AssertEveryRawFileRecordedOnceAsync(Lake, Raw, Log);
        await LakeInspector.AssertNoGarbageAsync(Lake, Log);
        using var mirror = await AwsWorker.MirrorAsync(Aws, Ct);
        Assert.Equal(await GeneratedRaw.LocalGoldAsync(Drops), await mirror.GoldAsync());
    }

    [Fact]
    public async Task RunOnce_CommitPutWhoseAnswerIsLost_RetrySeesItsOwnCommitAndCommitsOnce()
    {
        await using var glue = new GlueJobSimulator(Moto, Aws);
        await using var proxy = new FaultProxy(Moto.Port, FaultPlans.First(1, new Fault(FaultKind.LostResponse), r => IsS3Put(r, "/_pipeline/log/")));
        await using var worker = AwsWorker.Build(new MotoAws(proxy.Url, "lake/").Options, Settings);

        var summary = await RunAsync(worker);

        Assert.True(summary.Outcome == RunOutcome.Succeeded, summary.Error);
        Assert.Equal(1, proxy.Count(FaultKind.LostResponse));
        var commitPuts = proxy.Log.Where(l => IsS3Put(l.Request, "/_pipeline/log/")).ToList();
        Assert.Equal(commitPuts.Select(l => l.Request.Path).Distinct().Count() + 1, commitPuts.Count); // one retried put, no other
        Assert.True(summary.Batches.Count >= 2, $"{summary.Batches.Count} batches");
        Assert.Equal(summary.Batches.Count, (await Log.LoadAsync(Ct)).Seq);
        await AssertLakeIsTheReferenceAsync();
    }

    [Fact]
    public async Task RunOnce_LeaseWritesWhoseAnswersAreLost_KeepTheLeaseAndTheRunCompletes()
    {
        await using var glue = new GlueJobSimulator(Moto, Aws);
        // The create, then (after one that gets through) two renewals or job-run records: each lands, its answer is lost.
        await using var proxy = new FaultProxy(Moto.Port, FaultPlans.Sequence(r => IsS3Put(r, "/" + LeaseManager.Key),
            new Fault(FaultKind.LostResponse), Fault.None, new Fault(FaultKind.LostResponse), new Fault(FaultKind.LostResponse)));
        await using var worker = AwsWorker.Build(new MotoAws(proxy.Url, "lake/").Options, Settings);

        var summary = await RunAsync(worker);

        Assert.True(summary.Outcome == RunOutcome.Succeeded, summary.Error);
        Assert.Equal(3, proxy.Count(FaultKind.LostResponse));
        var lease = await Lake.ReadJsonAsync<LeaseDocument>(LeaseManager.Key, Ct);
        Assert.Equal(summary.RunId, lease.RunId);
        Assert.True(lease.ExpiresAt <= DateTimeOffset.UtcNow, $"the lease was not released: it expires {lease.ExpiresAt:o}");
        await AssertLakeIsTheReferenceAsync();
    }

    [Fact]
    public async Task RunOnce_CredentialsExpiringEverySecondOrTwo_AreRefreshedAndTheRunCompletes()
    {
        await using var glue = new GlueJobSimulator(Moto, Aws);
        var credentials = new RotatingCredentials(TimeSpan.FromSeconds(1.5));
        await using var proxy = new FaultProxy(Moto.Port, r => credentials.Rejects(r, grace: TimeSpan.FromSeconds(1)) ? new Fault(FaultKind.ExpiredToken) : Fault.None);
        await using var worker = AwsWorker.Build(new MotoAws(proxy.Url, "lake/").Options, Settings, s => s.AddSingleton<AWSCredentials>(credentials));

        var summary = await RunAsync(worker);

        Assert.True(summary.Outcome == RunOutcome.Succeeded, summary.Error);
        Assert.Equal(0, proxy.Count(FaultKind.ExpiredToken));
        var used = proxy.Log.Select(l => RotatingCredentials.KeyOf(l.Request)).Distinct().ToList();
        Assert.True(used.Count >= 3, $"the run used {used.Count} credential generations: {string.Join(", ", used)}");
        Assert.DoesNotContain(null, used); // every request was signed, S3's and the JSON services' alike
        TestContext.Current.TestOutputHelper?.WriteLine($"{proxy.Log.Count} requests signed with {used.Count} credential generations of 1.5 s over {summary.FinishedAt - summary.StartedAt:g}; 0 rejected");
        await AssertLakeIsTheReferenceAsync();
    }

    [Fact]
    public async Task RunOnce_TokenRevokedMidRun_FailsNamingExpiredTokenAndTheRunAfterRefreshCompletes()
    {
        await using var glue = new GlueJobSimulator(Moto, Aws);
        var credentials = new RotatingCredentials(TimeSpan.FromSeconds(8));
        var starts = 0;
        string? revoked = null;
        await using var proxy = new FaultProxy(Moto.Port, r =>
        {
            // The second batch's StartJobRun: from here the service refuses the generation it is signed with, which the
            // client still thinks valid (the one signing it, not the first: on a loaded machine the first may have rolled over).
            if (r.Target == "AWSGlue.StartJobRun" && Interlocked.Increment(ref starts) == 2 && RotatingCredentials.KeyOf(r) is { } key)
            {
                revoked = key;
                credentials.Revoke(key);
            }
            return credentials.Rejects(r, grace: TimeSpan.Zero) ? new Fault(FaultKind.ExpiredToken) : Fault.None;
        });
        await using var worker = AwsWorker.Build(new MotoAws(proxy.Url, "lake/").Options, Settings, s => s.AddSingleton<AWSCredentials>(credentials));

        var failed = await RunAsync(worker);

        Assert.True(failed.Outcome == RunOutcome.Failed, $"{failed.Outcome} after {failed.Batches.Count} batches, {starts} job starts, generations {string.Join(", ", credentials.Generations)}");
        Assert.Contains("ExpiredToken", failed.Error, StringComparison.Ordinal);
        Assert.Equal(1, (await Log.LoadAsync(Ct)).Seq); // the first batch stands, the second never started
        Assert.InRange(proxy.Count(FaultKind.ExpiredToken), 1, 3); // no retry storm: the start, then at most the lease's release

        // Until the client's copy expires it keeps signing with the revoked key; then the SDK fetches the next one. The
        // failed run could not release its lease with that key either, so the lease must run out too.
        Assert.NotNull(revoked);
        var leaseGone = DateTime.UtcNow + TimeSpan.Parse(Settings["Pipeline:Lease:Duration"]!, System.Globalization.CultureInfo.InvariantCulture);
        var wait = (credentials.ExpiryOf(revoked) > leaseGone ? credentials.ExpiryOf(revoked) : leaseGone) + TimeSpan.FromSeconds(0.5);
        while (DateTime.UtcNow < wait) await Task.Delay(200, Ct);
        var next = await RunAsync(worker);

        Assert.True(next.Outcome == RunOutcome.Succeeded, next.Error);
        Assert.NotEqual(revoked, credentials.Generations[^1]); // the run after the refresh signed with a newer generation
        TestContext.Current.TestOutputHelper?.WriteLine($"revoked at the 2nd StartJobRun: {proxy.Count(FaultKind.ExpiredToken)} requests rejected, run failed with: {failed.Error}");
        await AssertLakeIsTheReferenceAsync();
    }
    [Fact]
    public async Task RunOnce_CrashWhilePollingGlue_NextRunReattachesToTheSameJobRun()
    {
        await using var glue = new GlueJobSimulator(Moto, Aws);
        var crash = new CrashAt(FaultPoint.DuringGluePoll);
        await using (var crashing = AwsWorker.Build(Aws.Options, Settings, s => s.AddSingleton<IFaultInjector>(crash)))
        {
            var crashed = await RunAsync(crashing);
            Assert.Equal(RunOutcome.Failed, crashed.Outcome);
            Assert.Contains(crash.Message, crashed.Error, StringComparison.Ordinal);
        }
        Assert.NotNull((await Lake.ReadJsonAsync<LeaseDocument>(LeaseManager.Key, Ct)).JobRunId);

        await using var worker = AwsWorker.Build(Aws.Options, Settings);
        var summary = await RunAsync(worker);

        Assert.True(summary.Outcome == RunOutcome.Succeeded, summary.Error);
        var jobRuns = (await Aws.Glue.GetJobRunsAsync(new Pipeline.Aws.Glue.GetJobRunsRequest { JobName = MotoAws.JobName }, Ct)).JobRuns ?? [];
        Assert.Equal(summary.Batches.Count, jobRuns.Count); // the crashed batch's run was re-attached, not started again
        await AssertLakeIsTheReferenceAsync();
    }
}
