using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Tests.Generation;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Reliability;

/// <summary>
/// The drops every interleaving processes, and what one worker alone makes of them: its gold, its quarantine
/// and the raw files of each commit (the batches; workers that race must commit exactly these).
/// </summary>
public sealed class ConcurrencyScenario : IAsyncLifetime
{
    private readonly TempDirectory _serial = new();
    private GeneratedLake? _drops;

    /// <summary>
    /// Short lease so a stalled holder loses it within the test; the default garbage grace, since with several
    /// workers a younger uncommitted file may be another worker's batch in progress.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["Pipeline:Batch:MaxFiles"] = "4",
        ["Pipeline:Manifest:CheckpointInterval"] = "3",
        ["Pipeline:Lease:Duration"] = "00:00:03",
        ["Pipeline:Lease:RenewInterval"] = "00:00:01",
        ["Pipeline:DuckDb:Threads"] = "1",
    };

    internal GeneratedLake Drops => _drops ?? throw new InvalidOperationException("not initialised");

    public IReadOnlyList<string> Gold { get; private set; } = [];

    public IReadOnlyList<string> Quarantine { get; private set; } = [];

    public IReadOnlyList<IReadOnlyList<string>> Batches { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        _drops = await GeneratedLake.CreateAsync(new GenerationOptions { Scale = 0.001, Drops = 2, Seed = 31, Dirty = true });
        await _drops.PutAllAsync(_serial.Path);
        using (var services = PipelineServices.Create(_serial.Path, Settings))
        {
            var run = await services.GetRequiredService<RunCoordinator>().RunAsync(TestContext.Current.CancellationToken);
            if (run.Outcome != RunOutcome.Succeeded) throw new InvalidOperationException($"serial run: {run.Outcome} {run.Error}");
        }
        Gold = await LakeInspector.GoldAsync(_serial.Path);
        Quarantine = await LakeInspector.QuarantineAsync(_serial.Path);
        Batches = await BatchesAsync(_serial.Path);
    }

    /// <summary>The raw keys each commit recorded, in seq order.</summary>
    public static async Task<IReadOnlyList<IReadOnlyList<string>>> BatchesAsync(string lake)
    {
        var log = LakeInspector.Log(lake);
        var state = await log.LoadAsync(TestContext.Current.CancellationToken);
        var entries = await log.ReadRecentAsync(state.Seq, (int)state.Seq, TestContext.Current.CancellationToken);
        return [.. entries.Select(e => (IReadOnlyList<string>)[.. e.Files.Select(f => f.Key).Order(StringComparer.Ordinal)])];
    }

    public ValueTask DisposeAsync()
    {
        _drops?.Dispose();
        _serial.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Two and four workers (each its own service provider, as separate processes would have) on one lake folder,
/// interleaved by seeded random pauses at every fault point and the odd injected failure; some take the lease,
/// some bypass it so that only the commit log's compare-and-swap keeps them apart. Whatever the interleaving:
/// each batch is committed exactly once, no raw file is lost or recorded twice, gold and quarantine equal the
/// serial run's, and a final cleanup leaves no garbage.
/// </summary>
public sealed class ConcurrencyTests(ConcurrencyScenario scenario) : IClassFixture<ConcurrencyScenario>
{
    /// <summary>How long a worker keeps trying before the test gives up (a yielding worker waits for the holder).</summary>
    private static readonly TimeSpan WorkerDeadline = TimeSpan.FromSeconds(90);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private enum LeaseMode
    {
        Lease,
        Bypass,
        Mixed,
    }

    /// <summary>30 interleavings of two workers and 20 of four, from fixed seeds.</summary>
    public static TheoryData<int, int> Interleavings()
    {
        var data = new TheoryData<int, int>();
        foreach (var seed in Enumerable.Range(1, 30)) data.Add(2, seed);
        foreach (var seed in Enumerable.Range(101, 20)) data.Add(4, seed);
        return data;
    }

    [Theory]
    [MemberData(nameof(Interleavings))]
    public async Task RunOnce_WorkersInterleavedBySeed_EachBatchCommittedOnceAndGoldEqualsSerial(int workers, int seed)
    {
        using var lake = new TempDirectory();
        await scenario.Drops.PutAllAsync(lake.Path);
        var mode = (LeaseMode)(seed % 3);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(lake.Path, seed, w, mode), Ct)));

        var runs = outcomes.SelectMany(o => o).ToList();
        var unexpected = runs.Where(r => r.Outcome == RunOutcome.Failed && !r.Error!.Contains("injected", StringComparison.Ordinal)).ToList();
        if (mode == LeaseMode.Lease)
        {
            // Under the lease nothing but an injected fault may fail a run; without it, a loser may also find
            // files gone that the winner superseded, which fails that run but publishes nothing.
            Assert.True(unexpected.Count == 0, "failed under the lease: " + string.Join("; ", unexpected.Select(r => r.Error)));
        }

        using (var cleanup = PipelineServices.Create(lake.Path, new Dictionary<string, string?>(ConcurrencyScenario.Settings) { ["Pipeline:Manifest:GarbageGracePeriod"] = "00:00:00" }))
        {
            var final = await cleanup.GetRequiredService<RunCoordinator>().RunAsync(Ct);
            Assert.Equal(RunOutcome.NothingNew, final.Outcome);
        }

        Assert.Equal(scenario.Batches, await ConcurrencyScenario.BatchesAsync(lake.Path));
        await LakeInspector.AssertEveryRawFileRecordedOnceAsync(lake.Path);
        Assert.Equal(scenario.Gold, await LakeInspector.GoldAsync(lake.Path));
        Assert.Equal(scenario.Quarantine, await LakeInspector.QuarantineAsync(lake.Path));
        await LakeInspector.AssertNoGarbageAsync(lake.Path);
        LakeInspector.AssertNoScratchLeft(lake.Path);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{workers} workers, seed {seed}, {mode}: {runs.Count} runs ({string.Join(", ", runs.GroupBy(r => r.Outcome).Select(g => $"{g.Count()} {g.Key}"))})"
            + string.Concat(unexpected.Select(r => $"; failed: {r.Error}")));
    }

    /// <summary>One worker: runs until it finds nothing new, under the lease or around it as the mode says.</summary>
    private static async Task<IReadOnlyList<RunSummary>> WorkerAsync(string lake, int seed, int worker, LeaseMode mode)
    {
        var random = new Random(seed * 100 + worker);
        var faults = new SeededFaults(random.Next());
        using var services = PipelineServices.Create(lake, ConcurrencyScenario.Settings, configure: s => s.AddSingleton<IFaultInjector>(faults));
        var runs = new List<RunSummary>();
        await Task.Delay(random.Next(0, 30), Ct);
        var deadline = DateTime.UtcNow + WorkerDeadline;
        for (var round = 0; DateTime.UtcNow < deadline; round++)
        {
            var bypass = mode == LeaseMode.Bypass || (mode == LeaseMode.Mixed && random.Next(2) == 0);
            var run = bypass
                ? await services.GetRequiredService<PipelineRunner>().RunOnceAsync($"w{worker}-r{round}", NoLease.Instance, Ct)
                : await services.GetRequiredService<RunCoordinator>().RunAsync(Ct);
            runs.Add(run);
            if (run.Outcome == RunOutcome.NothingNew) return runs;
            if (run.Outcome != RunOutcome.Succeeded) await Task.Delay(random.Next(5, 60), Ct);
        }
        throw new InvalidOperationException($"worker {worker} still found new files after {WorkerDeadline}: {string.Join(", ", runs.GroupBy(r => r.Outcome).Select(g => $"{g.Count()} {g.Key}"))}");
    }

    /// <summary>Pauses a seeded few milliseconds at every point, and now and then fails the run there.</summary>
    private sealed class SeededFaults(int seed) : IFaultInjector
    {
        private readonly Random _random = new(seed);

        public async ValueTask AtAsync(FaultPoint point, CancellationToken cancellationToken)
        {
            int pause;
            bool fail;
            lock (_random)
            {
                pause = _random.Next(2) == 0 ? 0 : _random.Next(1, 12);
                fail = _random.NextDouble() < 0.004;
            }
            if (pause > 0) await Task.Delay(pause, cancellationToken);
            if (fail) throw new IOException($"injected fault at {point}");
        }
    }
}
