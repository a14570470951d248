using System.Text.Json;
using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Storage;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Generation;

public class GenerationReportTests
{
    [Fact]
    public async Task Report_StoreJson_RoundTripsUnchanged()
    {
        using var lake = await GeneratedLake.CreateAsync(new GenerationOptions { Scale = 0.003, Drops = 2, Seed = 1, Dirty = true });

        var json = JsonSerializer.Serialize(lake.Report, StoreJson.Options);
        var back = JsonSerializer.Deserialize<GenerationReport>(json, StoreJson.Options);

        Assert.NotNull(back);
        Assert.Equal(json, JsonSerializer.Serialize(back, StoreJson.Options));
        Assert.Equal(lake.Report.InjectedRows, back.InjectedRows);
        Assert.Contains("\"reason\": \"badGzip\"", json, StringComparison.Ordinal);
    }
}
