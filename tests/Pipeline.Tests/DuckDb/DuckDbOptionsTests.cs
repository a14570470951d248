using SpotifyWorker.Pipeline.DuckDb;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.DuckDb;

public sealed class DuckDbOptionsTests
{
    [Theory]
    [InlineData("400MB", 400_000_000L)]
    [InlineData(" 1.5 GB ", 1_500_000_000L)]
    [InlineData("768MiB", 768L * 1024 * 1024)]
    [InlineData("2GiB", 2L * 1024 * 1024 * 1024)]
    [InlineData("512KB", 512_000L)]
    [InlineData("4096B", 4096L)]
    [InlineData("1TiB", 1024L * 1024 * 1024 * 1024)]
    public void MemoryLimitBytes_DuckDbUnits_DecimalAndBinaryPowers(string limit, long bytes)
    {
        Assert.Equal(bytes, new DuckDbOptions { MemoryLimit = limit }.MemoryLimitBytes);
    }

    [Theory]
    [InlineData(438_000L, 40_960, 4_380)]
    [InlineData(1_000L, 40_960, 4_096)]
    [InlineData(4_380_000L, 40_960, 40_960)]
    [InlineData(438_000L, 2_048, 2_048)]
    public void FirstLoadRowGroupRows_LoadRows_AHundredthWithinFloorAndGoldRowGroupRows(long rows, int goldRowGroupRows, int expected)
    {
        Assert.Equal(expected, new DuckDbOptions { GoldRowGroupRows = goldRowGroupRows }.FirstLoadRowGroupRows(rows));
    }

    [Fact]
    public async Task MemoryLimitBytes_SetInBytes_DuckDbAppliesTheSameLimit()
    {
        // DuckDB reports the limit it took in its own rounded units: set as text or as these bytes, it must read the same.
        var ct = TestContext.Current.CancellationToken;
        var temp = Path.Combine(Path.GetTempPath(), $"duckdb-options-{Guid.NewGuid():N}");
        try
        {
            foreach (var limit in new[] { "400MB", "768MiB", "1.5GB" })
            {
                var options = new DuckDbOptions { MemoryLimit = limit, Threads = 1 };
                using var session = DuckDbSession.Open(options, temp);
                var applied = await session.ScalarAsync<string>("SELECT current_setting('memory_limit')", ct);
                await session.ExecuteAsync($"SET memory_limit = '{options.MemoryLimitBytes}B'", ct);
                Assert.Equal(applied, await session.ScalarAsync<string>("SELECT current_setting('memory_limit')", ct));
            }
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }
}
