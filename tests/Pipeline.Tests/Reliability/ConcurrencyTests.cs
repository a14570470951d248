using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Tests.Generation;
using SpotifyWorker.Pipeline.Tests.Oracle;
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

    [Theory]
    [MemberData(nameof(InterleavedWorker.Interleavings), MemberType = typeof(InterleavedWorker))]
    public async Task RunOnce_WorkersInterleavedBySeed_EachBatchCommittedOnceAndGoldEqualsSerial(int workers, int seed)
    {
        using var lake = new TempDirectory();
        await scenario.Drops.PutAllAsync(lake.Path);
        var mode = InterleavedWorker.ModeOf(seed);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(
            () => InterleavedWorker.RunAsync(seed, w, mode, faults => PipelineServices.Create(lake.Path, ConcurrencyScenario.Settings, configure: s => s.AddSingleton(faults)), WorkerDeadline, 60, Ct), Ct)));

        // Without the lease a loser may also find files gone that the winner superseded, which fails that run but publishes nothing.
        var runs = outcomes.SelectMany(o => o).ToList();
        InterleavedWorker.AssertNoUnexpectedFailureUnderLease(mode, runs);
        InterleavedWorker.AssertNoOverlap(mode, runs, scenario.Batches.Count);

        using (var cleanup = PipelineServices.Create(lake.Path, new Dictionary<string, string?>(ConcurrencyScenario.Settings) { ["Pipeline:Manifest:GarbageGracePeriod"] = "00:00:00" }))
        {
            var final = await cleanup.GetRequiredService<RunCoordinator>().RunAsync(Ct);
            Assert.Equal(RunOutcome.NothingNew, final.Outcome);
        }

        Assert.Equal(scenario.Batches, await ConcurrencyScenario.BatchesAsync(lake.Path));
        await LakeInspector.AssertEveryRawFileRecordedOnceAsync(lake.Path);
        Assert.Equal(scenario.Gold, await LakeInspector.GoldAsync(lake.Path));
        Assert.Equal(scenario.Quarantine, await LakeInspector.QuarantineAsync(lake.Path));
        await OracleAssert.MatchesAsync(lake.Path);
        await LakeInspector.AssertNoGarbageAsync(lake.Path);
        LakeInspector.AssertNoScratchLeft(lake.Path);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{workers} workers, seed {seed}, {mode}: {runs.Count} runs ({InterleavedWorker.Describe(runs)})"
            + string.Concat(InterleavedWorker.Unexpected(runs).Select(r => $"; failed: {r.Error}")));
    }
}
