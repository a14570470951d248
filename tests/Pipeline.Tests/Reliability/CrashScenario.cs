using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Tests.Generation;
using SpotifyWorker.Pipeline.Tests.Oracle;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Reliability;

/// <summary>
/// The batch every crash test interrupts, prepared once: a lake that has processed drop 1 (the template each
/// case copies), and the same lake taken through drop 2 without faults (the reference). Drop 2 carries the dirty
/// files, so its two batches (Batch:MaxFiles=5) write silver, quarantine and gold files, and a compaction commit
/// comes between them (Compaction:MaxDeltaFiles=1); the reference records
/// the gold table at every commit and how often each fault point is reached.
/// </summary>
public sealed class CrashScenario : IAsyncLifetime
{
    private readonly TempDirectory _template = new();
    private readonly TempDirectory _reference = new();
    private GeneratedLake? _drops;

    /// <summary>Settings of every worker in the crash tests; garbage has no grace, so the repair run leaves none.</summary>
    public static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["Pipeline:Batch:MaxFiles"] = "5",
        ["Pipeline:Manifest:CheckpointInterval"] = "2",
        ["Pipeline:Manifest:GarbageGracePeriod"] = "00:00:00",
        // Short enough that a killed worker's lease is taken over within seconds, with two seconds of slack for
        // a renewal that a loaded CI machine runs late.
        ["Pipeline:Lease:Duration"] = "00:00:03",
        ["Pipeline:Lease:RenewInterval"] = "00:00:01",
        ["Pipeline:Lease:WaitTimeout"] = "00:00:15",
        ["Pipeline:DuckDb:Threads"] = "1",
        // Silver is compacted once an entity has more than one delta file: drop 2's first batch is followed by a
        // compaction commit, then its second batch adds to the bases, and every crash point is reached inside and
        // around the compaction too.
        ["Pipeline:Compaction:MinRows"] = "9223372036854775807",
        ["Pipeline:Compaction:MaxDeltaFiles"] = "1",
    };

    internal GeneratedLake Drops => _drops ?? throw new InvalidOperationException("not initialised");

    /// <summary>Gold rows as the fault-free run had them right after each commit (seq 1 is the template's).</summary>
    public IReadOnlyDictionary<long, IReadOnlyList<string>> GoldAtSeq { get; private set; } = new Dictionary<long, IReadOnlyList<string>>();

    public IReadOnlyList<string> FinalGold { get; private set; } = [];

    public IReadOnlyList<string> FinalQuarantine { get; private set; } = [];

    /// <summary>How many times the run over drop 2 reaches each fault point.</summary>
    public IReadOnlyDictionary<FaultPoint, int> Reached { get; private set; } = new Dictionary<FaultPoint, int>();

    public async ValueTask InitializeAsync()
    {
        _drops = await GeneratedLake.CreateAsync(new GenerationOptions { Scale = 0.002, Drops = 2, Seed = 20, Dirty = true });
        await _drops.PutDropAsync(1, _template.Path);
        RunSummary first;
        using (var services = PipelineServices.Create(_template.Path, Settings))
        {
            first = await services.GetRequiredService<RunCoordinator>().RunAsync(TestContext.Current.CancellationToken);
            if (first.Outcome != RunOutcome.Succeeded) throw new InvalidOperationException($"drop 1: {first.Outcome} {first.Error}");
        }

        var gold = new Dictionary<long, IReadOnlyList<string>> { [1] = await LakeInspector.GoldAsync(_template.Path) };
        LakeInspector.CopyLake(_template.Path, _reference.Path);
        await _drops.PutDropAsync(2, _reference.Path);
        var observer = new Observer(async () =>
        {
            var state = await LakeInspector.StateAsync(_reference.Path);
            gold[state.Seq] = await LakeInspector.GoldAsync(_reference.Path);
        });
        using (var services = PipelineServices.Create(_reference.Path, Settings, configure: s => s.AddSingleton<IFaultInjector>(observer)))
        {
            var second = await services.GetRequiredService<RunCoordinator>().RunAsync(TestContext.Current.CancellationToken);
            if (second.Outcome != RunOutcome.Succeeded || second.Batches.Count != 2) throw new InvalidOperationException($"drop 2: {second.Outcome} in {second.Batches.Count} batches {second.Error}");
            if (second.Compactions.Count != 1) throw new InvalidOperationException($"drop 2: {second.Compactions.Count} compactions, expected 1 (drop 1: {first.Batches.Count} batches, {first.Compactions.Count} compactions)");
        }
        GoldAtSeq = gold;
        Reached = observer.Counts.ToDictionary();
        FinalGold = await LakeInspector.GoldAsync(_reference.Path);
        FinalQuarantine = await LakeInspector.QuarantineAsync(_reference.Path);
        await OracleAssert.MatchesAsync(_reference.Path); // the fault-free run every crash is compared with is itself right
    }

    /// <summary>A fresh lake in <paramref name="lake"/> in the state just before the interrupted run.</summary>
    public async Task PrepareAsync(string lake)
    {
        LakeInspector.CopyLake(_template.Path, lake);
        await Drops.PutDropAsync(2, lake);
    }

    /// <summary>The occurrences of a point each test crashes at: the first, the second and the last.</summary>
    public IReadOnlyList<int> OccurrencesOf(FaultPoint point)
    {
        var reached = Reached.GetValueOrDefault(point);
        return [.. new[] { 1, 2, reached }.Where(n => n >= 1 && n <= reached).Distinct()];
    }

    public ValueTask DisposeAsync()
    {
        _drops?.Dispose();
        _template.Dispose();
        _reference.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Counts every point and takes a snapshot right after each commit.</summary>
    private sealed class Observer(Func<Task> afterCommit) : IFaultInjector
    {
        public ConcurrentDictionary<FaultPoint, int> Counts { get; } = new();

        public async ValueTask AtAsync(FaultPoint point, CancellationToken cancellationToken)
        {
            Counts.AddOrUpdate(point, 1, (_, n) => n + 1);
            if (point == FaultPoint.AfterCommit) await afterCommit();
        }
    }
}
