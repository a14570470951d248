using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Reliability;

/// <summary>
/// The lease between real processes on one local lake: of two live run-once processes exactly one runs, the other
/// says who holds the lease and exits 0; unlock shows a live holder and refuses to remove its lease.
/// </summary>
public sealed class LeaseProcessTests(CrashScenario scenario) : IClassFixture<CrashScenario>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>One raw file per batch, so that a run lasts long enough for the other process to meet it.</summary>
    private static string[] RunOnce(string lake) => ["run-once", "--lake", lake, "--Pipeline:Batch:MaxFiles=1", "--Pipeline:DuckDb:Threads=1"];

    private static bool IsYieldLine(string line) => line.StartsWith("Yielding: the lake's lease is held by", StringComparison.Ordinal);

    private static bool IsMetricsLine(string line) => line.StartsWith("{\"_aws\":", StringComparison.Ordinal);

    [Fact]
    public async Task RunOnce_TwoLiveProcessesOnOneLake_ExactlyOneRunsTwentyTimesOver()
    {
        for (var round = 1; round <= 20; round++)
        {
            using var lake = new TempDirectory();
            await scenario.PrepareAsync(lake.Path);
            using var a = WorkerProcess.Start(RunOnce(lake.Path));
            using var b = WorkerProcess.Start(RunOnce(lake.Path));

            // The loser yields at once; the winner is then stopped at a safe point, its work is not what is tested.
            while (!a.HasExited && !b.HasExited) await Task.Delay(50, Ct);
            var (loser, winner) = a.HasExited ? (a, b) : (b, a);
            var loserExit = await loser.WaitForExitAsync(TimeSpan.FromSeconds(30));
            var acquired = await winner.WaitForLineAsync(l => l.Contains("Lease acquired", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
            if (!winner.HasExited) winner.Terminate();
            var winnerExit = await winner.WaitForExitAsync(TimeSpan.FromMinutes(1));

            var context = $"round {round}:\n{string.Join('\n', loser.Stdout)}\n--- winner:\n{string.Join('\n', winner.Stdout.Concat(winner.Stderr).Where(l => !l.Contains("Progress", StringComparison.Ordinal)).TakeLast(10))}";
            var yieldLine = Assert.Single(loser.Stdout, l => !IsMetricsLine(l));
            Assert.True(IsYieldLine(yieldLine), context);
            Assert.True(loserExit == 0, context);
            Assert.Contains("looks alive", yieldLine, StringComparison.Ordinal);
            Assert.Equal(0, winnerExit);
            Assert.DoesNotContain(winner.Stdout, IsYieldLine);
            Assert.True(acquired, context);
            Assert.DoesNotContain(loser.Stderr, l => l.Contains("Lease acquired", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Unlock_LiveHolderProcess_ShownAliveAndRefusedWhileRunOnceYieldsWithOneLine()
    {
        using var lake = new TempDirectory();
        await scenario.PrepareAsync(lake.Path);
        using var holder = WorkerProcess.Start(RunOnce(lake.Path));
        Assert.True(await holder.WaitForLineAsync(l => l.Contains("Lease acquired", StringComparison.Ordinal), TimeSpan.FromMinutes(1)), "the holder never took the lease");
        var lease = await new LocalObjectStore(lake.Path).ReadJsonAsync<LeaseDocument>(LeaseManager.Key, Ct);

        var shown = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), "unlock", "--lake", lake.Path);
        var refused = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), "unlock", lease.RunId, "--lake", lake.Path);
        var yielded = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(1), RunOnce(lake.Path));
        var holderRan = !holder.HasExited;
        holder.Terminate();
        await holder.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.True(holderRan, "the holder finished before the checks: they prove nothing");
        Assert.Equal(0, shown.ExitCode);
        Assert.Contains(shown.Stdout, l => l.Contains(lease.RunId, StringComparison.Ordinal));
        Assert.Contains(shown.Stdout, l => l.Contains("alive: its process holds the lake's lock", StringComparison.Ordinal));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains(refused.Stdout, l => l.StartsWith("Refusing to remove the lease", StringComparison.Ordinal));
        Assert.Equal(0, yielded.ExitCode);
        var line = Assert.Single(yielded.Stdout, l => !IsMetricsLine(l)); // stdout also carries the run's EMF metrics line, for CloudWatch
        Assert.StartsWith($"Yielding: the lake's lease is held by {lease.Owner} (run {lease.RunId}, on host ", line, StringComparison.Ordinal);
        Assert.Contains("the holder looks alive", line, StringComparison.Ordinal);
        Assert.Contains($"unlock {lease.RunId} --force", line, StringComparison.Ordinal);
    }
}
