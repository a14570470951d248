using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Reliability;

/// <summary>What a SIGKILLed run leaves under _pipeline/tmp is removed by a later run, once it is older than the grace period.</summary>
public sealed class ScratchCollectionTests
{
    [Fact]
    public async Task CollectAsync_AbandonedScratchOlderThanGrace_RemovedWhileFreshScratchAndLocksStay()
    {
        using var lake = new TempDirectory();
        string Scratch(string relative, bool old)
        {
            var path = lake.Combine("_pipeline", "tmp", relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "x");
            if (old)
            {
                File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-2));
                for (var dir = Path.GetDirectoryName(path)!; dir.Length > lake.Path.Length; dir = Path.GetDirectoryName(dir)!) Directory.SetLastWriteTimeUtc(dir, DateTime.UtcNow.AddHours(-2));
            }
            return path;
        }
        var killedBatch = Scratch("duckdb/batch-7-dead/stage/albums/1.csv", old: true);
        var killedQuery = Scratch("duckdb-query-dead/spill.tmp", old: true);
        var halfPut = Scratch("0123456789abcdef0123456789abcdef", old: true);
        var runningBatch = Scratch("duckdb/batch-8-alive/stage/albums/1.csv", old: false);
        var oldLock = Scratch("locks/abc.lock", old: true);

        using var services = PipelineServices.Create(lake.Path);
        await services.GetRequiredService<GarbageCollector>().CollectAsync(ManifestState.Empty, TestContext.Current.CancellationToken);

        Assert.False(Directory.Exists(lake.Combine("_pipeline", "tmp", "duckdb", "batch-7-dead")), killedBatch);
        Assert.False(Directory.Exists(lake.Combine("_pipeline", "tmp", "duckdb-query-dead")), killedQuery);
        Assert.False(File.Exists(halfPut));
        Assert.True(File.Exists(runningBatch), "a batch written within the grace period may be another worker's");
        Assert.True(File.Exists(oldLock), "lock files are never deleted by the collector");
    }
}
