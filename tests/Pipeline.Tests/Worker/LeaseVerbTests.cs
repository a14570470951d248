using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Worker.Cli;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Worker;

/// <summary>The verbs that read the lease, in process: what they print and how they exit.</summary>
public sealed class LeaseVerbTests : IDisposable
{
    private readonly TempDirectory _lake = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _lake.Dispose();

    private Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => WorkerCliRun.RunAsync(_lake.Path, args);

    [Theory]
    [InlineData("run-once")]
    [InlineData("unlock")]
    [InlineData("status")]
    public async Task Verb_LeaseCannotBeRead_ExitsOneNamingTheFile(string verb)
    {
        await File.WriteAllTextAsync(Path.Combine(Directory.CreateDirectory(Path.Combine(_lake.Path, "_pipeline")).FullName, "lease.json"), "{ not json", Ct);

        var (code, _, error) = await RunAsync(verb);

        Assert.Equal(ExitCodes.RunFailed, code);
        Assert.Contains("lease.json", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunOnce_HolderOnAnotherHostSilent_PrintsOneLineThatItLooksDeadAndExitsOne()
    {
        // A lease from another machine that stopped renewing a minute ago and expires in a minute.
        var now = DateTimeOffset.UtcNow;
        await new LocalObjectStore(_lake.Path).PutJsonAsync(LeaseManager.Key, new LeaseDocument("other/7/abc", "run-9", now.AddMinutes(-2), now.AddMinutes(1))
        {
            Host = "other", Location = "host other pid 7", RenewedAt = now.AddMinutes(-1), RenewInterval = TimeSpan.FromSeconds(10),
        }, Ct);

        var (code, output, _) = await RunAsync("run-once");
        var (unlockCode, unlockOutput, _) = await RunAsync("unlock", "run-9");

        Assert.Equal(ExitCodes.RunFailed, code);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => !l.StartsWith("{\"_aws\":", StringComparison.Ordinal));
        Assert.StartsWith("Yielding: the lake's lease is held by other/7/abc (run run-9, on host other pid 7) since ", line, StringComparison.Ordinal);
        Assert.Contains("the holder looks dead: it has not renewed since", line, StringComparison.Ordinal);
        Assert.Contains("or run `unlock run-9` now", line, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, unlockCode);
        Assert.StartsWith("Removed the lease of other/7/abc (run run-9", unlockOutput, StringComparison.Ordinal);
    }
}
