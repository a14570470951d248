using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Aws.Glue;
using SpotifyWorker.Pipeline.Costs;
using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Query;
using SpotifyWorker.Pipeline.Tests.Aws.Support;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Aws;

/// <summary>
/// What a run on moto used and cost, as its EMF line reports it, against figures known independently: moto's
/// job runs (ExecutionTime 123 s; moto leaves out the capacity and DPUSeconds, which a wrapper adds as real Glue
/// reports them), Athena's statement types (the view refresh is DDL), and every S3 request a proxy in front of
/// moto saw, the S3 client's retries of injected throttling included.
/// </summary>
public sealed class AwsRunCostTests(MotoServer moto) : MotoTest(moto, "lake/")
{
    /// <summary>moto's ExecutionTime of every run, at the deployed capacity of 2 G.1X workers (1 DPU each).</summary>
    private const double DpuSecondsPerRun = 123 * 2.0;

    private static readonly GenerationOptions Drops = new() { Scale = 0.002, Drops = 2, Seed = 5, Dirty = false, MaxParallelism = 2 };

    protected override Task SetUpAsync() => PreparePipelineAsync();

    [Fact]
    public async Task RunOnce_ThroughAProxyThrottlingS3_EmfLineCarriesTheUsageAndItsPrice()
    {
        await GeneratedRaw.PutAsync(Aws, Drops, Ct);
        await using var glue = new GlueJobSimulator(Moto, Aws);
        await using var proxy = new FaultProxy(Moto.Port, FaultPlans.Every(7, 20, new Fault(FaultKind.Throttle)));
        var emf = new StringWriter();
        // One file a batch, so each entity gets a second delta, and any later delta makes a compaction due: its Glue runs
        // are billed like the batches'.
        var settings = new Dictionary<string, string?>
        {
            ["Pipeline:Batch:MaxFiles"] = "1",
            ["Pipeline:Compaction:MinRows"] = "0",
            ["Pipeline:Compaction:MinDeltaRatio"] = "0.01",
        };
        await using var worker = AwsWorker.Build(new MotoAws(proxy.Url, "lake/").Options, settings,
            services =>
            {
                services.AddSingleton(sp => new EmfMetrics(emf, sp.GetRequiredService<TimeProvider>()));
                services.AddSingleton<IGlueClient>(new AsGlueReports(Aws.Glue, run => run with { WorkerType = "G.1X", NumberOfWorkers = 2 }));
            });

        var summary = await worker.GetRequiredService<RunCoordinator>().RunAsync(Ct);

        Assert.Null(glue.Failure);
        Assert.True(summary.Outcome == RunOutcome.Succeeded, summary.Error);
        using var line = JsonDocument.Parse(emf.ToString().Trim());
        var root = line.RootElement;
        // The run's own history record is written after its figures are taken (they are in it), so it is no run's request.
        var s3 = proxy.Log.Where(l => l.Request.IsS3 && !l.Request.Path.Contains(RunHistory.Prefix, StringComparison.Ordinal)).ToList();
        Assert.Contains(s3, l => l.Fault == FaultKind.Throttle); // so retries are among the requests counted
        var puts = s3.Count(l => l.Request.Method is "PUT" or "POST" || (l.Request.Method == "GET" && l.Request.Path.Contains("list-type=", StringComparison.Ordinal)));
        var gets = s3.Count(l => l.Request.Method is "GET" or "HEAD") - s3.Count(l => l.Request.Method == "GET" && l.Request.Path.Contains("list-type=", StringComparison.Ordinal));
        Assert.NotEmpty(summary.Compactions);
        var glueRuns = summary.Batches.Count + summary.Compactions.Count;

        Assert.Equal("aws", root.GetProperty("Backend").GetString());
        Assert.Equal(glueRuns * DpuSecondsPerRun, root.GetProperty("GlueDpuSeconds").GetDouble());
        Assert.Equal(0, root.GetProperty("AthenaBytesScanned").GetInt64());
        Assert.Equal(s3.Count, root.GetProperty("S3Requests").GetInt64());
        var state = await worker.GetRequiredService<CommitLog>().LoadAsync(Ct);
        var dataBytes = state.LiveFiles.Values.Sum(f => f.Bytes);
        Assert.InRange(root.GetProperty("BytesWritten").GetInt64(), dataBytes + 1, dataBytes + 10_000_000);

        // The view refresh is DDL (free): the cost is Glue, S3 requests and the task's time, at us-east-1 prices.
        var expected = (decimal)(glueRuns * DpuSecondsPerRun) / 3600m * 0.44m
            + (puts * 0.005m + gets * 0.0004m) / 1000m
            + (decimal)summary.DurationSeconds / 3600m * (0.5m * 0.04048m + 1m * 0.004445m);
        Assert.Equal(Math.Round(expected, 6), root.GetProperty("EstimatedCostUsd").GetDecimal());
        Assert.Equal(summary.Cost, (await worker.GetRequiredService<RunHistory>().ReadRecentAsync(1, Ct))[0].Cost);
    }

    [Fact]
    public async Task RunOnce_JobRunsReportingDpuSecondsAndAQuery_UsesThemWithTheMinimums()
    {
        await GeneratedRaw.PutAsync(Aws, Drops, Ct);
        await using var glue = new GlueJobSimulator(Moto, Aws);
        await using var worker = AwsWorker.Build(Aws.Options, new Dictionary<string, string?> { ["Pipeline:Batch:MaxFiles"] = "100" },
            services => services.AddSingleton<IGlueClient>(new AsGlueReports(Aws.Glue, run => run with { DPUSeconds = 25, ExecutionTime = 20 })));

        var summary = await worker.GetRequiredService<RunCoordinator>().RunAsync(Ct);
        await worker.GetRequiredService<IQueryEngine>().QueryAsync("SELECT 1", Ct);
        var query = worker.GetRequiredService<UsageMeter>().Take();

        Assert.True(summary.Outcome == RunOutcome.Succeeded, summary.Error);
        Assert.Single(summary.Batches);
        Assert.Equal(25, summary.Cost!.GlueDpuSeconds);
        // 25 DPU-s in 20 s is billed as a full minute at that capacity: 75 DPU-s.
        Assert.Equal(75m / 3600m * 0.44m, summary.Cost.GlueUsd);
        Assert.Equal(0m, summary.Cost.AthenaUsd); // CREATE OR REPLACE VIEW is DDL
        // moto scans nothing; a DML query is still billed its 10 MB minimum.
        var select = Assert.Single(query.AthenaQueries);
        Assert.True(select.Billed);
        Assert.Equal(0, select.BytesScanned);
        Assert.Equal(10m * (1 << 20) / (1L << 40) * 5m, worker.GetRequiredService<CostCalculator>().Price(query, TimeSpan.Zero).AthenaUsd);
    }

    /// <summary>GetJobRun with the figures real Glue reports and moto leaves out (capacity, DPUSeconds of auto-scaling runs).</summary>
    private sealed class AsGlueReports(IGlueClient inner, Func<JobRun, JobRun> report) : IGlueClient
    {
        public Task<StartJobRunResponse> StartJobRunAsync(StartJobRunRequest request, CancellationToken cancellationToken) => inner.StartJobRunAsync(request, cancellationToken);

        public async Task<GetJobRunResponse> GetJobRunAsync(GetJobRunRequest request, CancellationToken cancellationToken) =>
            new(report((await inner.GetJobRunAsync(request, cancellationToken)).JobRun));

        public Task<GetJobRunsResponse> GetJobRunsAsync(GetJobRunsRequest request, CancellationToken cancellationToken) => inner.GetJobRunsAsync(request, cancellationToken);


        public Task<StartCrawlerResponse> StartCrawlerAsync(StartCrawlerRequest request, CancellationToken cancellationToken) => inner.StartCrawlerAsync(request, cancellationToken);

        public Task<GetCrawlerResponse> GetCrawlerAsync(GetCrawlerRequest request, CancellationToken cancellationToken) => inner.GetCrawlerAsync(request, cancellationToken);

        public Task<GetTableResponse> GetTableAsync(GetTableRequest request, CancellationToken cancellationToken) => inner.GetTableAsync(request, cancellationToken);

        public Task<GetPartitionsResponse> GetPartitionsAsync(GetPartitionsRequest request, CancellationToken cancellationToken) => inner.GetPartitionsAsync(request, cancellationToken);
    }
}
