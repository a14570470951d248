using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Tests.Generation;
using SpotifyWorker.Pipeline.Tests.Reliability;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Oracle;

/// <summary>
/// Generated drops (updates, late dimensions, duplicate keys within a file, rows moving years, dirty rows and files)
/// processed by the real pipeline one drop at a time: after every drop, gold and quarantine equal the oracle's.
/// </summary>
public sealed class GeneratedDropsOracleTests
{
    [Theory]
    [InlineData(false, 500)]
    [InlineData(true, 2)]
    public async Task RunOnce_GeneratedDirtyDropsOneAtATime_GoldAndQuarantineEqualTheOracleAfterEachDrop(bool gzip, int maxFiles)
    {
        var options = new GenerationOptions { Scale = 0.004, Drops = 4, Seed = 23, Dirty = true, Gzip = gzip, MaxParallelism = 2 };
        using var source = await GeneratedLake.CreateAsync(options);
        using var lake = new TestLake(new BatchOptions { MaxFiles = maxFiles });

        for (var drop = 1; drop <= options.Drops; drop++)
        {
            await source.PutDropAsync(drop, lake.Store);
            await lake.RunOkAsync();
            await OracleAssert.MatchesAsync(lake);
        }
        Assert.Equal(source.Report.GoldRowsAfterDrop[^1], (await lake.GoldAsync()).Count);
    }
}
