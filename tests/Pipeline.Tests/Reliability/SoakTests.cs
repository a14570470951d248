using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Tests.Generation;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.Oracle;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Reliability;

/// <summary>
/// One <c>run</c> process (the real executable, the container's command) on a one-second schedule takes 30
/// consecutive drops, each put just before it is due. Its memory and open file handles, sampled after each drop
/// is processed, must stay level, and every drop must end up in gold exactly as one run over all of them gives.
/// </summary>
public sealed class SoakTests : IDisposable
{
    private const int Drops = 30;
    private const int WarmUpDrops = 5;
    private const int HandleMargin = 8;
    private const long RssGrowthLimitKb = 96 * 1024;
    private readonly TempDirectory _lake = new();
    private readonly TempDirectory _serial = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _lake.Dispose();
        _serial.Dispose();
    }

    [Fact]
    public async Task Run_ThirtyDropsOnAFastSchedule_MemoryAndHandlesStayLevelAndAllDropsReachGold()
    {
        using var drops = await GeneratedLake.CreateAsync(new GenerationOptions { Scale = 0.002, Drops = Drops, Seed = 41 });
        var log = LakeInspector.Log(_lake.Path);
        var history = new RunHistory(new LakeStores(new LocalObjectStore(_lake.Path), "raw/", new LocalObjectStore(_lake.Path)), NullLogger<RunHistory>.Instance);
        var samples = new List<(int Drop, long RssKb, int Handles, long Seq)>();
        var clock = Stopwatch.StartNew();

        using (var service = WorkerProcess.Start("run", "--lake", _lake.Path, "--log-format", "text",
            "--Pipeline:Schedule:Cron=0/1 * * * * ?", "--Pipeline:Schedule:CatchUp=true", "--Pipeline:DuckDb:Threads=1",
            $"--Pipeline:Health:HeartbeatFile={_lake.Combine("heartbeat")}"))
        {
            for (var drop = 1; drop <= Drops; drop++)
            {
                await drops.PutDropAsync(drop, _lake.Path);
                var keys = drops.FilesOf(drop).Select(f => f.Key).ToList();
                var seq = await WaitAsync(async () =>
                {
                    var state = await log.LoadAsync(Ct);
                    var recorded = state.Files.Values.Select(f => f.Key).ToHashSet();
                    return keys.All(recorded.Contains) ? state.Seq : (long?)null;
                }, service, $"drop {drop} committed");
                // Sample between runs: after the run that committed the drop has recorded its summary.
                await WaitAsync(async () => (await history.ReadRecentAsync(1, Ct)) is [{ } last] && last.CommittedSeq >= seq ? seq : null, service, $"run of drop {drop} finished");
                samples.Add((drop, RssKb(service.Id), Handles(service.Id), seq));
            }

            service.Terminate();
            Assert.Equal(0, await service.WaitForExitAsync(TimeSpan.FromSeconds(40)));
            Assert.DoesNotContain(service.AllLines, l => l.Contains("PipelineRunFailed", StringComparison.Ordinal));
        }

        var warm = samples[WarmUpDrops - 1];
        var last = samples[^1];
        var maxRss = samples.Max(s => s.RssKb);
        var maxHandles = samples.Max(s => s.Handles);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"soak: {Drops} drops in {clock.Elapsed.TotalSeconds:F0} s, {last.Seq} commits; RSS first {samples[0].RssKb / 1024} MB, after drop {WarmUpDrops} {warm.RssKb / 1024} MB, " +
            $"last {last.RssKb / 1024} MB, max {maxRss / 1024} MB; handles first {samples[0].Handles}, after drop {WarmUpDrops} {warm.Handles}, last {last.Handles}, max {maxHandles}; " +
            "per drop (RSS MB/handles): " + string.Join(" ", samples.Select(s => $"{s.RssKb / 1024}/{s.Handles}")));

        Assert.True(last.Handles <= warm.Handles + HandleMargin, $"open handles grew from {warm.Handles} after drop {WarmUpDrops} to {last.Handles} after drop {Drops}");
        Assert.True(maxHandles <= warm.Handles + HandleMargin, $"open handles peaked at {maxHandles}, after drop {WarmUpDrops} they were {warm.Handles}");
        Assert.True(maxRss - warm.RssKb <= RssGrowthLimitKb, $"RSS grew from {warm.RssKb / 1024} MB after drop {WarmUpDrops} to a peak of {maxRss / 1024} MB");

        await drops.PutAllAsync(_serial.Path);
        using (var serial = PipelineServices.Create(_serial.Path))
        {
            Assert.Equal(RunOutcome.Succeeded, (await serial.GetRequiredService<RunCoordinator>().RunAsync(Ct)).Outcome);
        }
        var state = await log.LoadAsync(Ct);
        Assert.Equal(drops.Report.GoldRowsAfterDrop[^1], state.RowsOf(Tables.Gold));
        Assert.Equal(await LakeInspector.GoldAsync(_serial.Path), await LakeInspector.GoldAsync(_lake.Path));
        await OracleAssert.MatchesAsync(_lake.Path);
        await LakeInspector.AssertEveryRawFileRecordedOnceAsync(_lake.Path);
    }

    private static async Task<long> WaitAsync(Func<Task<long?>> probe, WorkerProcess service, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value) return value;
            await Task.Delay(100, Ct);
        }
        throw new TimeoutException($"{what}: not within 60 s; last output:\n{string.Join('\n', service.AllLines.TakeLast(20))}");
    }

    private static long RssKb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static int Handles(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;
}
