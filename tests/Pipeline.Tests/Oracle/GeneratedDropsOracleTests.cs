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
    /// <param name="firstLoadInlineSortRows">Null: the first load sorts its gold rows inside the COPY; 0: into a temporary table first.</param>
    [Theory]
    [InlineData(false, 500, null)]
    [InlineData(true, 2, 0L)]
    public async Task RunOnce_GeneratedDirtyDropsOneAtATime_GoldAndQuarantineEqualTheOracleAfterEachDrop(bool gzip, int maxFiles, long? firstLoadInlineSortRows)
    {
        var options = new GenerationOptions { Scale = 0.004, Drops = 4, Seed = 23, Dirty = true, Gzip = gzip, MaxParallelism = 2 };
        using var source = await GeneratedLake.CreateAsync(options);
        using var lake = new TestLake(new BatchOptions { MaxFiles = maxFiles }, firstLoadInlineSortRows: firstLoadInlineSortRows);

        for (var drop = 1; drop <= options.Drops; drop++)
        {
            await source.PutDropAsync(drop, lake.Store);
            await lake.RunOkAsync();
            await OracleAssert.MatchesAsync(lake);
        }
        Assert.Equal(source.Report.GoldRowsAfterDrop[^1], (await lake.GoldAsync()).Count);
    }
}
