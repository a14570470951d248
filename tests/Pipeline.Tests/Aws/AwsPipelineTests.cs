using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Aws.Glue;
using SpotifyWorker.Pipeline.Aws.S3;
using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Query;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.Aws.Support;
using SpotifyWorker.Pipeline.Tests.Oracle;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Aws;

/// <summary>
/// The whole pipeline with Pipeline:Backend=aws on moto: S3 lake and raw bucket, a Glue job whose part the
/// <see cref="GlueJobSimulator"/> plays with the same SQL, the Glue crawler, Athena views and queries. Its gold
/// table must equal a local run's over the same drops.
/// </summary>
public sealed class AwsPipelineTests(MotoServer moto) : MotoTest(moto, "lake/")
{
    private static readonly GenerationOptions Drops = new() { Scale = 0.002, Drops = 3, Seed = 11, Dirty = true, MaxParallelism = 2 };

    protected override Task SetUpAsync() => PreparePipelineAsync();

    private Task<GenerationReport> GenerateRawAsync() => GeneratedRaw.PutAsync(Aws, Drops, Ct);

    private S3ObjectStore RawStore => new(Aws.S3, MotoAws.RawBucket, "", new S3StoreSettings(), TimeProvider.System);

    private static Task<IReadOnlyList<string>> LocalGoldAsync() => GeneratedRaw.LocalGoldAsync(Drops);

    private async Task<int> JobRunCountAsync() => (await Aws.Glue.GetJobRunsAsync(new GetJobRunsRequest { JobName = MotoAws.JobName }, Ct)).JobRuns?.Count ?? 0;

    private static async Task<RunSummary> RunAsync(ServiceProvider worker, CancellationToken cancellationToken)
    {
        var summary = await worker.GetRequiredService<RunCoordinator>().RunAsync(cancellationToken);
        return summary;
    }

    [Fact]
    public async Task RunOnce_GeneratedDrops_CommitsTheSameGoldAsTheLocalBackendAndRefreshesCatalogAndViews()
    {
        await GenerateRawAsync();
        await using var glue = new GlueJobSimulator(Moto, Aws);
        await using var worker = AwsWorker.Build(Aws.Options, new Dictionary<string, string?> { ["Pipeline:Batch:MaxFiles"] = "5" });

        var summary = await RunAsync(worker, Ct);

        Assert.Null(glue.Failure);
        Assert.True(summary.Outcome == RunOutcome.Succeeded, summary.Error);
        Assert.True(summary.Batches.Count >= 2, $"{summary.Batches.Count} batches");
        Assert.Equal(summary.Batches.Count, await JobRunCountAsync());
        Assert.Contains("views.scanned_bytes", summary.StepSeconds.Keys);
        Assert.Contains("transform.glue_run", summary.StepSeconds.Keys);
        var lake = new S3ObjectStore(Aws.S3, MotoAws.LakeBucket, "lake/", new S3StoreSettings(), TimeProvider.System);
        var jobDocuments = await lake.ListAsync(GlueJobArguments.JobsPrefix, cancellationToken: Ct).Select(o => o.Key).ToListAsync(Ct);
        Assert.All(jobDocuments, k => Assert.StartsWith($"{GlueJobArguments.JobsPrefix}{summary.CommittedSeq:D20}-", k, StringComparison.Ordinal)); // earlier batches' documents are gone
        using var mirror = await AwsWorker.MirrorAsync(Aws, Ct);
        Assert.Equal(await LocalGoldAsync(), await mirror.GoldAsync());
        await OracleAssert.MatchesAsync(mirror.Store, RawStore);

        var crawler = (await Aws.Glue.GetCrawlerAsync(new GetCrawlerRequest { Name = MotoAws.CrawlerName }, Ct)).Crawler;
        Assert.NotNull(crawler.LastCrawl);
        var views = await AthenaQueriesAsync();
        Assert.Equal(AnalyticsViews.All.Select(v => v.Name).Order(), views.Where(q => q.StartsWith("CREATE OR REPLACE VIEW", StringComparison.Ordinal)).Select(ViewName).Order());
        Assert.DoesNotContain(views, q => q.TrimStart().StartsWith("--", StringComparison.Ordinal));

        // Nothing new: the next run commits nothing and starts no job.
        var rerun = await RunAsync(worker, Ct);
        Assert.Equal(RunOutcome.NothingNew, rerun.Outcome);
        Assert.Equal(summary.Batches.Count, await JobRunCountAsync());
    }

    [Fact]
    public async Task RunOnce_CompactionsBetweenBatches_RunOnGlueInCompactModeAndCommitTheSameGoldAsTheLocalBackend()
    {
        await GenerateRawAsync();
        await using var glue = new GlueJobSimulator(Moto, Aws);
        // Compact as soon as an entity has two delta files: drops, a compaction, more drops, and so on.
        await using var worker = AwsWorker.Build(Aws.Options, new Dictionary<string, string?>
        {
            ["Pipeline:Batch:MaxFiles"] = "3",
            ["Pipeline:Compaction:MaxDeltaFiles"] = "1",
        });

        var summary = await RunAsync(worker, Ct);

        Assert.Null(glue.Failure);
        Assert.True(summary.Outcome == RunOutcome.Succeeded, summary.Error);
        Assert.NotEmpty(summary.Compactions);
        var runs = (await Aws.Glue.GetJobRunsAsync(new GetJobRunsRequest { JobName = MotoAws.JobName }, Ct)).JobRuns ?? [];
        Assert.Equal(summary.Batches.Count + summary.Compactions.Count, runs.Count);
        Assert.Equal(summary.Compactions.Count, runs.Count(r => GlueJobArguments.Get(r, GlueJobArguments.Mode) == GlueJobArguments.CompactMode));
        using var mirror = await AwsWorker.MirrorAsync(Aws, Ct);
        var entries = await mirror.Log.ReadRecentAsync(summary.CommittedSeq, (int)summary.CommittedSeq, Ct);
        var firstCompaction = entries.First(e => e.Kind == CommitKind.Compaction).Seq;
        Assert.Contains(entries, e => e.Kind != CommitKind.Compaction && e.Seq > firstCompaction); // batches read a compacted base
        var state = await mirror.Log.LoadAsync(Ct);
        Assert.Contains(state.LiveFiles.Values, f => f.Key.Contains("/compact=", StringComparison.Ordinal) && f.ToBatch is not null);
        // The files a compaction superseded are gone from S3: silver/ holds the live files and nothing else.
        var lake = new S3ObjectStore(Aws.S3, MotoAws.LakeBucket, "lake/", new S3StoreSettings(), TimeProvider.System);
        var silver = await lake.ListAsync(LakeLayout.SilverPrefix, cancellationToken: Ct).Select(o => o.Key).ToListAsync(Ct);
        Assert.Equal(state.LiveFiles.Keys.Where(k => k.StartsWith(LakeLayout.SilverPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal), silver.Order(StringComparer.Ordinal));
        Assert.Equal(await LocalGoldAsync(), await mirror.GoldAsync());
        await OracleAssert.MatchesAsync(mirror.Store, RawStore);

        var rerun = await RunAsync(worker, Ct);
        Assert.Equal(RunOutcome.NothingNew, rerun.Outcome);
        Assert.Equal(runs.Count, await JobRunCountAsync());
    }

    [Fact]
    public async Task RunOnce_KaggleNamesAtRawRoot_CommitsTheSameGoldAsEntityFolders()
    {
        // The Kaggle download as uploaded with aws s3 cp: its names at the raw root, its two other files beside them.
        await GeneratedRaw.PutAsync(Aws, Drops with { Layout = RawLayout.Kaggle }, Ct);
        var raw = new S3ObjectStore(Aws.S3, MotoAws.RawBucket, "", new S3StoreSettings(), TimeProvider.System);
        foreach (var extra in new[] { "raw/spotify_features_data_2023.csv", "raw/spotify_data_12_20_2023.csv" })
        {
            await raw.PutAsync(extra, new MemoryStream("id,track_popularity,explicit\nx,1,True\n"u8.ToArray()), Ct);
        }
        await using var glue = new GlueJobSimulator(Moto, Aws);
        await using var worker = AwsWorker.Build(Aws.Options);

        var summary = await RunAsync(worker, Ct);

        Assert.Null(glue.Failure);
        Assert.True(summary.Outcome == RunOutcome.Succeeded, summary.Error);
        Assert.Equal(2, summary.IgnoredObjects);
        using var mirror = await AwsWorker.MirrorAsync(Aws, Ct);
        Assert.Equal(await LocalGoldAsync(), await mirror.GoldAsync());
    }

    [Fact]
    public async Task RunOnce_ThroughThrottlingErrorsResetsAndSlowAnswers_StillCommitsTheSameGold()
    {
        await GenerateRawAsync();
        await using var glue = new GlueJobSimulator(Moto, Aws);
        await using var proxy = new FaultProxy(Moto.Port, FaultPlans.Every(3, 150,
            new Fault(FaultKind.Throttle), new Fault(FaultKind.ServerError), new Fault(FaultKind.Reset), new Fault(FaultKind.Slow, TimeSpan.FromMilliseconds(300))));
        var options = new MotoAws(proxy.Url, "lake/").Options;
        await using var worker = AwsWorker.Build(options, new Dictionary<string, string?> { ["Pipeline:Batch:MaxFiles"] = "6" });

        var summary = await RunAsync(worker, Ct);

        Assert.Null(glue.Failure);
        Assert.True(summary.Outcome == RunOutcome.Succeeded, summary.Error);
        Assert.InRange(proxy.Log.Count(l => l.Fault != FaultKind.None), 40, 150);
        Assert.All(new[] { FaultKind.Throttle, FaultKind.ServerError, FaultKind.Reset, FaultKind.Slow }, k => Assert.True(proxy.Count(k) >= 10, $"{k}: {proxy.Count(k)}"));
        Assert.Contains(proxy.Log, l => l.Fault != FaultKind.None && l.Request.IsS3);
        Assert.Contains(proxy.Log, l => l.Fault != FaultKind.None && l.Request.Target?.StartsWith("AWSGlue.", StringComparison.Ordinal) == true);
        Assert.Contains(proxy.Log, l => l.Fault != FaultKind.None && l.Request.Target?.StartsWith("AmazonAthena.", StringComparison.Ordinal) == true);
        Assert.Equal(summary.Batches.Count, await JobRunCountAsync());
        using var mirror = await AwsWorker.MirrorAsync(Aws, Ct);
        Assert.Equal(await LocalGoldAsync(), await mirror.GoldAsync());
        await OracleAssert.MatchesAsync(mirror.Store, RawStore);
    }

    [Fact]
    public async Task RunOnce_AccessDeniedOnTheRawBucket_FailsAtOnceNamingTheError()
    {
        await GenerateRawAsync();
        await using var proxy = new FaultProxy(Moto.Port, FaultPlans.Always(new Fault(FaultKind.AccessDenied), r => r.Path.StartsWith("/" + MotoAws.RawBucket, StringComparison.Ordinal)));
        await using var worker = AwsWorker.Build(new MotoAws(proxy.Url, "lake/").Options);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var summary = await RunAsync(worker, Ct);

        Assert.Equal(RunOutcome.Failed, summary.Outcome);
        Assert.Contains("Access Denied", summary.Error, StringComparison.Ordinal);
        Assert.Equal(1, proxy.Count(FaultKind.AccessDenied)); // a permanent error is not retried
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task Query_AwsBackend_ReturnsTypedRowsThroughAthena()
    {
        await Moto.AddAthenaResultsAsync(
            [("artist_name", "varchar"), ("followers", "bigint"), ("follower_rank", "integer"), ("explicit_share", "double"), ("first_release", "date")],
            [["artist_name", "followers", "follower_rank", "explicit_share", "first_release"], ["Ana", "1200", "1", "0.25", "2001-02-03"], ["Bo", null, "2", "0.5", "1999-01-01"]]);
        await using var worker = AwsWorker.Build(Aws.Options);

        var result = await worker.GetRequiredService<IQueryEngine>().QueryAsync("SELECT * FROM top_artists_by_followers", Ct);

        Assert.Equal(["artist_name", "followers", "follower_rank", "explicit_share", "first_release"], result.Columns.Select(c => c.Name));
        Assert.Equal(["VARCHAR", "BIGINT", "INTEGER", "DOUBLE", "DATE"], result.Columns.Select(c => c.Type));
        Assert.Equal(2, result.Rows.Count);
        Assert.Equal(new object?[] { "Ana", 1200L, 1, 0.25, new DateOnly(2001, 2, 3) }, result.Rows[0]);
        Assert.Null(result.Rows[1][1]);
        Assert.Equal(0, result.BytesScanned);
    }

    [Fact]
    public async Task RunOnce_WorkerDiesWhileGlueRuns_SuccessorReattachesThroughTheLeaseWithoutASecondRun()
    {
        await GenerateRawAsync();
        await using var glue = new GlueJobSimulator(Moto, Aws) { Enabled = false };
        await KillWorkerWhileJobRunsAsync();

        await using var successor = AwsWorker.Build(Aws.Options);
        glue.Enabled = true;
        var summary = await RunAsync(successor, Ct);

        Assert.Null(glue.Failure);
        Assert.True(summary.Outcome == RunOutcome.Succeeded, summary.Error);
        Assert.Equal(1, await JobRunCountAsync());
        using var mirror = await AwsWorker.MirrorAsync(Aws, Ct);
        Assert.Equal(await LocalGoldAsync(), await mirror.GoldAsync());
        await OracleAssert.MatchesAsync(mirror.Store, RawStore);
    }

    [Fact]
    public async Task RunOnce_LeaseLostButJobStillRunning_AdoptsTheRunningRunFoundByGetJobRuns()
    {
        await GenerateRawAsync();
        await using var glue = new GlueJobSimulator(Moto, Aws) { Enabled = false };
        await KillWorkerWhileJobRunsAsync();
        await Aws.S3.DeleteObjectAsync(MotoAws.LakeBucket, "lake/" + LeaseManager.Key, Ct); // no lease to inherit

        await using var successor = AwsWorker.Build(Aws.Options);
        glue.Enabled = true;
        var summary = await RunAsync(successor, Ct);

        Assert.True(summary.Outcome == RunOutcome.Succeeded, summary.Error);
        Assert.Equal(1, await JobRunCountAsync());
    }

    [Fact]
    public async Task Compact_WorkerDiesWhileGlueCompacts_SuccessorReattachesThroughTheLeaseWithoutASecondRun()
    {
        await GenerateRawAsync();
        await using var glue = new GlueJobSimulator(Moto, Aws);
        await using (var loader = AwsWorker.Build(Aws.Options, new Dictionary<string, string?> { ["Pipeline:Batch:MaxFiles"] = "5" }))
        {
            var loaded = await RunAsync(loader, Ct);
            Assert.True(loaded.Outcome == RunOutcome.Succeeded && loaded.Compactions.Count == 0, loaded.Error ?? "it compacted");
        }
        var batchRuns = await JobRunCountAsync();
        glue.Enabled = false;
        await using (var first = AwsWorker.Build(Aws.Options))
        {
            using var kill = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var compacting = CompactNowAsync(first, kill.Token);
            while (await JobRunCountAsync() == batchRuns)
            {
                Assert.False(compacting.IsCompleted, $"the worker ended before starting a Glue job run: {compacting.Exception?.Message}");
                await Task.Delay(50, Ct);
            }
            await Task.Delay(300, Ct); // the run id reaches the lease right after the start
            await kill.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => compacting);
        }

        await using var successor = AwsWorker.Build(Aws.Options);
        glue.Enabled = true;
        var summary = await CompactNowAsync(successor, Ct);

        Assert.Null(glue.Failure);
        Assert.NotNull(summary);
        Assert.Equal(batchRuns + 1, await JobRunCountAsync());
        using var mirror = await AwsWorker.MirrorAsync(Aws, Ct);
        var state = await mirror.Log.LoadAsync(Ct);
        Assert.Equal(summary.Seq, state.Seq);
        Assert.All(state.LiveFiles.Values.Where(f => f.Table.StartsWith("silver_", StringComparison.Ordinal)), f => Assert.Contains($"/compact={summary.Seq}/", f.Key, StringComparison.Ordinal));
        Assert.Equal(await LocalGoldAsync(), await mirror.GoldAsync());
        await OracleAssert.MatchesAsync(mirror.Store, RawStore);
    }

    /// <summary>The <c>compact</c> verb's work: the lease, then a compaction now.</summary>
    private static async Task<CompactionSummary?> CompactNowAsync(ServiceProvider worker, CancellationToken cancellationToken)
    {
        const string runId = "compact-test";
        var (lease, refusal) = await worker.GetRequiredService<LeaseManager>().AcquireAsync(LeaseManager.ProcessOwner, runId, cancellationToken);
        Assert.True(lease is not null, refusal?.YieldLine());
        await using (lease)
        {
            return await worker.GetRequiredService<PipelineRunner>().CompactNowAsync(runId, lease, cancellationToken);
        }
    }

    /// <summary>Runs a worker until its Glue job run has started, then stops it the way a killed task stops.</summary>
    private async Task KillWorkerWhileJobRunsAsync()
    {
        await using var first = AwsWorker.Build(Aws.Options);
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var running = RunAsync(first, kill.Token);
        while (await JobRunCountAsync() == 0)
        {
            Assert.False(running.IsCompleted, $"the worker ended before starting a Glue job run: {(running.IsCompletedSuccessfully ? running.Result.Error : running.Exception?.Message)}");
            await Task.Delay(50, Ct);
        }
        await Task.Delay(300, Ct); // the run id reaches the lease right after the start
        await kill.CancelAsync();
        var summary = await running;
        Assert.Equal(RunOutcome.Cancelled, summary.Outcome);
        var lease = await new S3ObjectStore(Aws.S3, MotoAws.LakeBucket, "lake/", new S3StoreSettings(), TimeProvider.System).ReadJsonAsync<LeaseDocument>(LeaseManager.Key, Ct);
        Assert.NotNull(lease.JobRunId);
    }

    private async Task<IReadOnlyList<string>> AthenaQueriesAsync()
    {
        var athena = Aws.Json("athena", "AmazonAthena");
        var ids = await athena.SendAsync<object, JsonElement>("ListQueryExecutions", new { }, Ct);
        var queries = new List<string>();
        foreach (var id in ids.GetProperty("QueryExecutionIds").EnumerateArray())
        {
            var execution = await Aws.Athena.GetQueryExecutionAsync(new(id.GetString()!), Ct);
            queries.Add(execution.QueryExecution.Query!);
        }
        return queries;
    }

    private static string ViewName(string sql) => sql["CREATE OR REPLACE VIEW ".Length..].Split(' ', '\n')[0];
}
