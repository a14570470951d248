using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Worker.Cli;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Worker;

/// <summary>Bad usage and bad configuration exit 2 before doing anything, with a message naming the setting.</summary>
public sealed class CliConfigurationTests : IDisposable
{
    private readonly TempDirectory _lake = new();

    public void Dispose() => _lake.Dispose();

    private Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => WorkerCliRun.RunAsync(_lake.Path, args);

    [Theory]
    [InlineData("--Pipeline:Batch:MaxFiles=0", "Pipeline:Batch:MaxFiles = '0'")]
    [InlineData("--Pipeline:Schedule:Cron=every night", "Pipeline:Schedule:Cron = 'every night'")]
    [InlineData("--Pipeline:Schedule:TimeZone=Mars/Olympus", "Pipeline:Schedule:TimeZone = 'Mars/Olympus'")]
    [InlineData("--Pipeline:Lease:RenewInterval=00:20:00", "Pipeline:Lease:RenewInterval = '00:20:00'")]
    [InlineData("--Pipeline:DuckDb:MemoryLimit=lots", "Pipeline:DuckDb:MemoryLimit = 'lots'")]
    [InlineData("--Pipeline:Health:MaxAge=00:00:01", "Pipeline:Health:MaxAge = '00:00:01'")]
    [InlineData("--Pipeline:Cost:GlueDpuHourUsd=-1", "Pipeline:Cost:GlueDpuHourUsd = '-1'")]
    [InlineData("--Pipeline:Backend=azure", "'azure' at 'Pipeline:Backend'")]
    [InlineData("--Pipeline:Manifest:CheckpointInterval=ten", "'ten' at 'Pipeline:Manifest:CheckpointInterval'")]
    public async Task Run_InvalidSetting_Exits2NamingKeyAndValue(string setting, string expected)
    {
        foreach (var verb in new[] { "run", "run-once", "status" })
        {
            var (code, _, error) = await RunAsync(verb, setting);

            Assert.Equal(ExitCodes.BadUsage, code);
            Assert.Contains(expected, error, StringComparison.Ordinal);
        }
        Assert.False(Directory.Exists(Path.Combine(_lake.Path, "_pipeline")), "nothing is written before the configuration is valid");
    }

    [Fact]
    public async Task Run_UnknownVerbOrArgument_Exits2()
    {
        Assert.Equal(ExitCodes.BadUsage, (await RunAsync("bogus")).Code);
        Assert.Equal(ExitCodes.BadUsage, (await RunAsync("run-once", "stray")).Code);
        Assert.Equal(ExitCodes.BadUsage, (await RunAsync("query", "SELECT 1", "--format", "xml")).Code);
    }

    [Fact]
    public async Task Generate_InvalidScale_Exits2NamingOption()
    {
        var (code, _, error) = await RunAsync("generate", "--scale", "0");

        Assert.Equal(ExitCodes.BadUsage, code);
        Assert.Contains("--scale", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_BadSql_Exits2WithDuckDbMessage()
    {
        var (code, _, error) = await RunAsync("query", "SELECT nope FROM spotify_tracks");

        Assert.Equal(ExitCodes.BadUsage, code);
        Assert.Contains("nope", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_NoService_Exits1()
    {
        var (code, output, _) = await RunAsync("health", $"--Pipeline:Health:HeartbeatFile={Path.Combine(_lake.Path, "none.heartbeat")}");

        Assert.Equal(ExitCodes.RunFailed, code);
        Assert.Contains("unhealthy", output, StringComparison.Ordinal);
    }
}
