using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Quartz;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Orchestration.Service;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;
using static SpotifyWorker.Pipeline.Tests.TestSupport.Csv;

namespace SpotifyWorker.Pipeline.Tests.Orchestration.Service;

/// <summary>The real Quartz service on a fake clock: cron firing, catch-up after downtime, no overlap.</summary>
public sealed class PipelineServiceTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 1, 59, 0, TimeSpan.Zero);
    private readonly TempDirectory _lake = new();
    private readonly FakeTimeProvider _time = new(Start);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _lake.Dispose();

    private IHost Build(IFaultInjector? faults = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([
            new("Pipeline:Lake", _lake.Path),
            new("Pipeline:Health:HeartbeatFile", _lake.Combine("heartbeat")),
            new("Pipeline:DuckDb:MemoryLimit", "256MB"),
        ]);
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddSingleton(new EmfMetrics(TextWriter.Null, _time));
        if (faults is not null) builder.Services.AddSingleton(faults);
        builder.Services.AddPipeline(builder.Configuration);
        builder.Services.AddPipelineService(builder.Configuration);
        return builder.Build();
    }

    private async Task<IReadOnlyList<RunSummary>> RunsAsync()
    {
        var store = new LocalObjectStore(_lake.Path);
        return await new RunHistory(new LakeStores(store, "raw/", store), NullLogger<RunHistory>.Instance).ReadRecentAsync(100, Ct);
    }

    private async Task SeedCompletedRunAsync(DateTimeOffset at)
    {
        var store = new LocalObjectStore(_lake.Path);
        var runId = PipelineRunner.NewRunId(new FakeTimeProvider(at));
        await new RunHistory(new LakeStores(store, "raw/", store), NullLogger<RunHistory>.Instance)
            .RecordAsync(new RunSummary(runId, RunOutcome.NothingNew, at, at.AddSeconds(1), 0, [], 0, new Dictionary<string, double>(), 0, null));
    }

    private async Task<IReadOnlyList<RunSummary>> WaitForRunsAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            var runs = await RunsAsync();
            if (runs.Count >= count) return runs;
            await Task.Delay(50, Ct);
        }
        return await RunsAsync();
    }

    [Fact]
    public async Task Start_NoRunEver_CatchesUpAtOnce()
    {
        using var host = Build();
        await host.StartAsync(Ct);

        var runs = await WaitForRunsAsync(1);
        await host.StopAsync(Ct);

        Assert.Single(runs);
        Assert.Equal(Start, runs[0].StartedAt);
    }

    [Fact]
    public async Task Start_AfterThreeDaysDown_CatchesUpAtOnce()
    {
        await SeedCompletedRunAsync(Start.AddDays(-3));
        using var host = Build();
        await host.StartAsync(Ct);

        var runs = await WaitForRunsAsync(2);
        await host.StopAsync(Ct);

        Assert.Equal(2, runs.Count);
        Assert.Equal(Start, runs[0].StartedAt);
    }

    [Fact]
    public async Task Start_RecentRun_NoCatchUpAndFiresAtCronTime()
    {
        await SeedCompletedRunAsync(Start.AddHours(-23));
        using var host = Build();
        await host.StartAsync(Ct);
        await Task.Delay(500, Ct);
        Assert.Single(await RunsAsync()); // the seeded one: no catch-up, since it is within one period

        _time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var runs = await WaitForRunsAsync(2);
        await host.StopAsync(Ct);

        Assert.Equal(2, runs.Count);
        Assert.True(runs[0].StartedAt >= new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero), $"fired at {runs[0].StartedAt:o}");
    }

    [Fact]
    public async Task Trigger_WhileARunIsInProgress_NeverRunsTwoAtOnce()
    {
        var store = new LocalObjectStore(_lake.Path);
        await store.PutAsync("raw/tracks/d1/t.csv", new MemoryStream(System.Text.Encoding.UTF8.GetBytes(File(TrackHeader, Track("t1")))), Ct);
        var gate = new GateAtTransform();
        using var host = Build(gate);
        await host.StartAsync(Ct); // the catch-up run starts and blocks in its transform
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(Ct);
        await scheduler.TriggerJob(PipelineJob.Key, Ct);
        await scheduler.TriggerJob(PipelineJob.Key, Ct);
        await Task.Delay(500, Ct);
        gate.Release.SetResult();
        var runs = await WaitForRunsAsync(3);
        await host.StopAsync(Ct);

        Assert.Equal(1, gate.MaxConcurrent);
        Assert.Equal(3, runs.Count);
        // All three started on the same fake second, so their order in the history is not defined.
        Assert.Equal([RunOutcome.Succeeded, RunOutcome.NothingNew, RunOutcome.NothingNew], runs.Select(r => r.Outcome).Order());
    }

    private sealed class GateAtTransform : IFaultInjector
    {
        private int _inside;

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int MaxConcurrent { get; private set; }

        public async ValueTask AtAsync(FaultPoint point, CancellationToken cancellationToken)
        {
            if (point != FaultPoint.AfterTransform) return;
            var inside = Interlocked.Increment(ref _inside);
            MaxConcurrent = Math.Max(MaxConcurrent, inside);
            Entered.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
            Interlocked.Decrement(ref _inside);
        }
    }
}
