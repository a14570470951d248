using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Orchestration;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Reliability;

/// <summary>How the workers of one interleaving treat the lease.</summary>
public enum LeaseMode
{
    /// <summary>Every run takes the lease (RunCoordinator), as production does.</summary>
    Lease,

    /// <summary>Every run bypasses it (PipelineRunner with NoLease): only the commit log's compare-and-swap keeps workers apart.</summary>
    Bypass,

    /// <summary>Each run tosses a seeded coin.</summary>
    Mixed,
}

/// <summary>
/// One worker of a seeded interleaving, on whatever backend its service provider wires: it runs until it finds
/// nothing new, under the lease or around it as the mode says, pausing a seeded few milliseconds at every fault
/// point (and failing there now and then) so that every seed gives another schedule.
/// </summary>
internal static class InterleavedWorker
{
    /// <summary>30 interleavings of two workers and 20 of four, from fixed seeds: (workers, seed).</summary>
    public static TheoryData<int, int> Interleavings()
    {
        var data = new TheoryData<int, int>();
        foreach (var seed in Enumerable.Range(1, 30)) data.Add(2, seed);
        foreach (var seed in Enumerable.Range(101, 20)) data.Add(4, seed);
        return data;
    }

    /// <summary>The lease mode of a seed: a third of the seeds each.</summary>
    public static LeaseMode ModeOf(int seed) => (LeaseMode)(seed % 3);

    /// <param name="build">The worker's own service provider (as a separate process would have), given its fault injector.</param>
    /// <param name="pauseAfterMiss">Longest pause after a run that did not succeed (a yield or a failure), in milliseconds.</param>
    public static async Task<IReadOnlyList<RunSummary>> RunAsync(
        int seed, int worker, LeaseMode mode, Func<IFaultInjector, ServiceProvider> build, TimeSpan deadline, int pauseAfterMiss, CancellationToken cancellationToken)
    {
        var random = new Random(seed * 100 + worker);
        var faults = new SeededFaults(random.Next());
        await using var services = build(faults);
        var runs = new List<RunSummary>();
        await Task.Delay(random.Next(0, 30), cancellationToken);
        var until = DateTime.UtcNow + deadline;
        for (var round = 0; DateTime.UtcNow < until; round++)
        {
            var bypass = mode == LeaseMode.Bypass || (mode == LeaseMode.Mixed && random.Next(2) == 0);
            var run = bypass
                ? await services.GetRequiredService<PipelineRunner>().RunOnceAsync($"w{worker}-r{round}", NoLease.Instance, cancellationToken)
                : await services.GetRequiredService<RunCoordinator>().RunAsync(cancellationToken);
            runs.Add(run);
            if (run.Outcome == RunOutcome.NothingNew) return runs;
            if (run.Outcome != RunOutcome.Succeeded) await Task.Delay(random.Next(5, pauseAfterMiss), cancellationToken);
        }
        var errors = runs.Where(r => r.Error is not null).TakeLast(4).Select(r => r.Error);
        throw new InvalidOperationException($"worker {worker} still found new files after {deadline}: {Describe(runs)}; last errors: {string.Join(" | ", errors)}");
    }

    /// <summary>Failed runs that no injected fault explains.</summary>
    public static IReadOnlyList<RunSummary> Unexpected(IEnumerable<RunSummary> runs) =>
        [.. runs.Where(r => r.Outcome == RunOutcome.Failed && !r.Error!.Contains("injected", StringComparison.Ordinal))];

    /// <summary>Under the lease nothing but an injected fault may fail a run.</summary>
    public static void AssertNoUnexpectedFailureUnderLease(LeaseMode mode, IEnumerable<RunSummary> runs)
    {
        var unexpected = Unexpected(runs);
        if (mode == LeaseMode.Lease) Assert.True(unexpected.Count == 0, "failed under the lease: " + string.Join("; ", unexpected.Select(r => r.Error)));
    }

    /// <summary>
    /// Overlap the final state cannot show: every batch is committed by exactly one run, so the batches all runs'
    /// summaries claim add up to the serial count (a commit that overwrote another's log entry would count twice);
    /// and under the lease no run yields through a commit conflict, since the lease, not the log's compare-and-swap,
    /// must have kept the workers apart.
    /// </summary>
    public static void AssertNoOverlap(LeaseMode mode, IReadOnlyCollection<RunSummary> runs, int serialBatches)
    {
        // A fault injected between a batch's commit and the end of the batch fails the run after the commit landed:
        // that batch is committed but not in the run's summary.
        var committed = runs.Sum(r => r.Batches.Count) + runs.Count(r => r.Outcome == RunOutcome.Failed && AfterCommitPoints.Any(p => r.Error!.Contains("injected fault at " + p, StringComparison.Ordinal)));
        Assert.True(committed == serialBatches, $"the runs committed {committed} batches, a single worker commits {serialBatches}: {Describe(runs)}");
        if (mode != LeaseMode.Lease) return;
        var conflicts = runs.Where(IsCommitConflict).ToList();
        Assert.True(conflicts.Count == 0, "under the lease a run met a commit conflict: " + string.Join("; ", conflicts.Select(r => r.Error)));
        // A lease renewed every second and held for three is lost only when another worker took it while it was held.
        var lost = runs.Where(r => r.Outcome == RunOutcome.Yielded && r.Error == "the lease was lost during the run").ToList();
        Assert.True(lost.Count == 0, $"under the lease {lost.Count} runs lost their lease to another worker while they held it");
    }

    private static readonly FaultPoint[] AfterCommitPoints = [FaultPoint.AfterCommit, FaultPoint.BeforeSupersededDelete, FaultPoint.AfterSupersededDelete];

    /// <summary>A run that yielded because another worker committed its sequence number first.</summary>
    public static bool IsCommitConflict(RunSummary run) =>
        run.Outcome == RunOutcome.Yielded && run.Error is { } error && error.Contains("was written by another worker first", StringComparison.Ordinal);

    /// <summary>"3 Succeeded, 2 Yielded, ..." for the test output.</summary>
    public static string Describe(IEnumerable<RunSummary> runs) =>
        string.Join(", ", runs.GroupBy(r => r.Outcome).Select(g => $"{g.Count()} {g.Key}"));

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
