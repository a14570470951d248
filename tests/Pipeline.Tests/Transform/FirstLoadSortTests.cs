using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Tests.Generation;
using SpotifyWorker.Pipeline.Tests.Oracle;
using SpotifyWorker.Pipeline.Tests.Reliability;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Transform;

/// <summary>
/// A first load sorts its gold rows inside the partitioned COPY, or into a temporary table first when the load is large
/// for the memory limit (DuckDbOptions.FirstLoadInlineSortRows); a COPY that runs out of memory is run again the other
/// way. Both ways are compared with the oracle on small data by the property and generated-drops tests.
/// </summary>
public sealed class FirstLoadSortTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunOnce_InlineSortOutOfMemory_SortsIntoTableAndGoldEqualsTheOracle()
    {
        // 109,468 gold rows within 82MB and two threads. Measured on these rows: the COPY that sorts inside runs out of
        // memory from 70MB to 90MB, while the sort into a table, then the COPY, succeed from 75MB.
        using var source = await GeneratedLake.CreateAsync(new GenerationOptions { Scale = 0.25, MaxParallelism = 2 });
        using var lake = new TempDirectory();
        await source.PutDropAsync(1, lake.Path);
        var logs = new CollectingLoggerProvider();
        var settings = new Dictionary<string, string?>
        {
            ["Pipeline:DuckDb:MemoryLimit"] = "82MB",
            ["Pipeline:DuckDb:Threads"] = "2",
            ["Pipeline:DuckDb:FirstLoadInlineSortRows"] = long.MaxValue.ToString(CultureInfo.InvariantCulture),
        };

        RunSummary summary;
        using (var services = PipelineServices.Create(lake.Path, settings, logs))
        {
            summary = await services.GetRequiredService<RunCoordinator>().RunAsync(Ct);
        }

        Assert.True(summary.Outcome == RunOutcome.Succeeded, summary.Error);
        Assert.Contains(logs.Messages, m => m.Contains("ran out of memory within 82MB; sorting them into a temporary table first", StringComparison.Ordinal));
        Assert.Equal(source.Report.GoldRowsAfterDrop[^1], summary.GoldRows);
        await OracleAssert.MatchesAsync(lake.Path);
    }
}
