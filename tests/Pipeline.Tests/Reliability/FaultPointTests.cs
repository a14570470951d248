using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Catalog;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Query;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.Oracle;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Reliability;

/// <summary>
/// A run interrupted at every step of a batch and of the compaction after it, by an exception in process and by SIGKILL of the real executable:
/// right after the crash the lake shows a committed state exactly as the fault-free run had it; the next run
/// repairs everything (gold and quarantine as the reference, every raw file recorded once, no garbage left).
/// </summary>
public sealed class FaultPointTests(CrashScenario scenario) : IClassFixture<CrashScenario>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Every point a local run reaches (DuringGluePoll belongs to the Glue engine).</summary>
    public static TheoryData<FaultPoint> LocalPoints() => [.. Enum.GetValues<FaultPoint>().Where(p => p != FaultPoint.DuringGluePoll)];

    /// <summary>Points where the real process is killed: inside the transform, around the commit, after the deletes, before the views, inside and around the compaction.</summary>
    public static TheoryData<FaultPoint, int> KillPoints() => new()
    {
        { FaultPoint.AfterSilverWrite, 1 },
        { FaultPoint.AfterGoldMove, 2 },
        { FaultPoint.BeforeCommit, 2 },
        { FaultPoint.AfterCommit, 1 },
        { FaultPoint.AfterSupersededDelete, 2 },
        { FaultPoint.BeforeViewRefresh, 1 },
        { FaultPoint.AfterCompactionWrite, 2 },
        { FaultPoint.BeforeCommit, 3 }, // the second batch's, over the compacted bases (#2 is the compaction's)
        { FaultPoint.BeforeSupersededDelete, 2 }, // the compaction's, its bases committed and the deltas not yet deleted
    };

    [Theory]
    [MemberData(nameof(LocalPoints))]
    public async Task RunAsync_ExceptionAtEachOccurrenceOfPoint_CommittedStateReadableAndNextRunRepairs(FaultPoint point)
    {
        var occurrences = scenario.OccurrencesOf(point);
        Assert.True(occurrences.Count > 0, $"the run over drop 2 never reaches {point}");
        foreach (var occurrence in occurrences)
        {
            using var lake = new TempDirectory();
            await scenario.PrepareAsync(lake.Path);
            var crash = new CrashAt(point, occurrence);
            RunSummary crashed;
            using (var services = PipelineServices.Create(lake.Path, CrashScenario.Settings, configure: s => s.AddSingleton<IFaultInjector>(crash)))
            {
                crashed = await services.GetRequiredService<RunCoordinator>().RunAsync(Ct);
            }

            Assert.True(crash.Fired, $"{point} #{occurrence} was not reached");
            Assert.Equal(RunOutcome.Failed, crashed.Outcome);
            Assert.Contains(crash.Message, crashed.Error, StringComparison.Ordinal);
            await AssertCommittedStateReadableAsync(lake.Path, $"{point} #{occurrence}");

            using (var services = PipelineServices.Create(lake.Path, CrashScenario.Settings))
            {
                var repaired = await services.GetRequiredService<RunCoordinator>().RunAsync(Ct);
                Assert.True(repaired.Outcome is RunOutcome.Succeeded or RunOutcome.NothingNew, $"repair after {point} #{occurrence}: {repaired.Outcome} {repaired.Error}");
            }
            await AssertRepairedAsync(lake.Path);
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{point}: crashed by exception at occurrences {string.Join(", ", occurrences)} of {scenario.Reached[point]}");
    }

    /// <summary>The default lease (2 minutes) and no waiting: a run that had to wait for the dead holder's lease would yield.</summary>
    private static readonly string[] DefaultLease = ["--Pipeline:Lease:Duration=00:02:00", "--Pipeline:Lease:RenewInterval=00:00:30", "--Pipeline:Lease:WaitTimeout=00:00:00"];

    [Theory]
    [MemberData(nameof(KillPoints))]
    public async Task RunOnce_ProcessKilledAtPoint_NextProcessTakesTheLeaseOverAtOnceAndRepairs(FaultPoint point, int occurrence)
    {
        using var lake = new TempDirectory();
        await scenario.PrepareAsync(lake.Path);
        string[] args = ["run-once", "--lake", lake.Path, .. LakeInspector.AsArguments(CrashScenario.Settings), .. DefaultLease];

        using (var killed = WorkerProcess.Start(new Dictionary<string, string> { [EnvironmentFaultInjector.Variable] = $"{point}:{occurrence}" }, args))
        {
            var exit = await killed.WaitForExitAsync(TimeSpan.FromMinutes(2));
            Assert.True(exit == 128 + 9, $"expected death by SIGKILL (137), got {exit}:\n{string.Join('\n', killed.AllLines.TakeLast(20))}");
            Assert.Contains(killed.Stderr, l => l.Contains($"killing process {killed.Id} at {point}", StringComparison.Ordinal));
        }
        await AssertCommittedStateReadableAsync(lake.Path, $"kill at {point} #{occurrence}");
        var dead = await new LocalObjectStore(lake.Path).ReadJsonAsync<LeaseDocument>(LeaseManager.Key, Ct);
        Assert.False(dead.Released);

        // At once: the dead process's lease has not expired (the reason logged says why it was taken over), but the
        // OS released its lock on the lake.
        var (next, stdout, stderr) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(2), args);
        Assert.True(next == 0, $"repair run exited {next}:\n{string.Join('\n', stdout.Concat(stderr).TakeLast(20))}");
        Assert.Single(stderr, l => l.Contains("Took over the lease of a dead holder", StringComparison.Ordinal) && l.Contains(dead.RunId, StringComparison.Ordinal)
            && l.Contains("its process is gone", StringComparison.Ordinal));
        Assert.DoesNotContain(stdout, l => l.Contains("Yielding", StringComparison.Ordinal));
        await AssertRepairedAsync(lake.Path);
        LakeInspector.AssertNoScratchLeft(lake.Path); // the killed batch's staged copy of its raw files included
    }

    [Fact]
    public async Task Run_ServiceRestartedAfterKill_TakesTheDeadWorkersLeaseOverAtOnce()
    {
        using var lake = new TempDirectory();
        await scenario.PrepareAsync(lake.Path);
        using (var killed = WorkerProcess.Start(new Dictionary<string, string> { [EnvironmentFaultInjector.Variable] = nameof(FaultPoint.AfterTransform) }, ["run-once", "--lake", lake.Path, .. DefaultLease]))
        {
            Assert.Equal(128 + 9, await killed.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        }
        var dead = await new LocalObjectStore(lake.Path).ReadJsonAsync<LeaseDocument>(LeaseManager.Key, Ct);

        // As a container restarted after an OOM kill in the nightly run: the last completed run is a night old, so
        // the service catches up at once, and meets the dead worker's lease, which has two minutes to run. The next
        // cron fire is a night away; waiting out the lease would take longer than this test waits.
        Directory.Delete(lake.Combine("_pipeline", "runs"), recursive: true);
        using var service = WorkerProcess.Start(["run", "--lake", lake.Path, "--log-format", "text", .. DefaultLease, "--Pipeline:Schedule:Cron=0 0 2 1 1 ? 2099",
            $"--Pipeline:Health:HeartbeatFile={lake.Combine("heartbeat")}"]);
        var ran = await service.WaitForLineAsync(l => l.Contains("PipelineRunCompleted", StringComparison.Ordinal) && l.Contains("\"Succeeded\"", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        service.Terminate();
        await service.WaitForExitAsync(TimeSpan.FromSeconds(40));

        Assert.True(ran, "the restarted service did not run at once after the worker was killed:\n" + string.Join('\n', service.AllLines.Where(l => !l.Contains("Progress", StringComparison.Ordinal)).TakeLast(15)));
        Assert.Single(service.AllLines, l => l.Contains("Took over the lease of a dead holder", StringComparison.Ordinal) && l.Contains(dead.RunId, StringComparison.Ordinal)
            && l.Contains("its process is gone", StringComparison.Ordinal));
        Assert.DoesNotContain(service.AllLines, l => l.Contains("Yielding", StringComparison.Ordinal));
        Assert.Equal(scenario.FinalGold, await LakeInspector.GoldAsync(lake.Path));
    }

    /// <summary>Right after a crash a reader sees a committed state, exactly as the fault-free run had it at that commit.</summary>
    private async Task AssertCommittedStateReadableAsync(string lake, string what)
    {
        var state = await LakeInspector.StateAsync(lake);
        Assert.True(scenario.GoldAtSeq.TryGetValue(state.Seq, out var expected), $"after {what} the log is at seq {state.Seq}, which the reference never committed");
        Assert.True(expected.SequenceEqual(await LakeInspector.GoldAsync(lake)), $"after {what} gold differs from the committed state {state.Seq} of the fault-free run");
    }

    private async Task AssertRepairedAsync(string lake)
    {
        Assert.Equal(scenario.FinalGold, await LakeInspector.GoldAsync(lake));
        Assert.Equal(scenario.FinalQuarantine, await LakeInspector.QuarantineAsync(lake));
        await OracleAssert.MatchesAsync(lake);
        await LakeInspector.AssertEveryRawFileRecordedOnceAsync(lake);
        await LakeInspector.AssertNoGarbageAsync(lake);

        // Catalog and the analyst's database file caught up with the last commit, and the file reads.
        var state = await LakeInspector.StateAsync(lake);
        var store = new LocalObjectStore(lake);
        Assert.Equal(state.Seq, (await LocalCatalog.ReadAsync(store, Ct))?.Seq);
        using var db = new DuckDBConnection($"DataSource={store.PathOf(DuckDbQueryEngine.AnalyticsDatabaseKey)};ACCESS_MODE=READ_ONLY");
        db.Open();
        using var count = db.CreateCommand();
        count.CommandText = "SELECT count(*) FROM spotify_tracks";
        Assert.Equal(scenario.FinalGold.Count, Convert.ToInt32(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }
}
