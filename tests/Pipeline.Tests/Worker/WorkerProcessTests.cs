using System.Text.Json;
using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Worker;

/// <summary>The real executable as a child process: logs, metrics and SIGTERM as the container sees them.</summary>
public sealed class WorkerProcessTests : IDisposable
{
    private readonly TempDirectory _lake = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _lake.Dispose();

    private async Task<GenerationReport> GenerateAsync(GenerationOptions options) =>
        await SpotifyDataGenerator.GenerateAsync(new LocalObjectStore(_lake.Path), "raw/", options with { TempDirectory = _lake.Combine("gen-tmp") }, Ct);

    private static IEnumerable<JsonElement> JsonLines(IEnumerable<string> lines)
    {
        foreach (var line in lines.Where(l => l.StartsWith('{')))
        {
            using var document = JsonDocument.Parse(line);
            yield return document.RootElement.Clone();
        }
    }

    [Fact]
    public async Task RunOnce_KnownDirtyDrop_OneSummaryEventAndOneEmfLineWithTheRightCounts()
    {
        var report = await GenerateAsync(new GenerationOptions { Scale = 0.005, Drops = 1, Seed = 7, Dirty = true });

        var (exit, stdout, stderr) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(2), "run-once", "--lake", _lake.Path);

        Assert.Equal(0, exit);
        var events = JsonLines(stderr).ToList();
        var summary = Assert.Single(events, e => e.TryGetProperty("EventId", out var id) && id.GetProperty("Name").GetString() is "PipelineRunCompleted" or "PipelineRunFailed");
        Assert.Equal("PipelineRunCompleted", summary.GetProperty("EventId").GetProperty("Name").GetString());
        Assert.All(events, e => Assert.True(e.TryGetProperty("RunId", out _), $"event without RunId: {e}"));

        var emf = Assert.Single(JsonLines(stdout), e => e.TryGetProperty("_aws", out _));
        var quarantinedFiles = report.InjectedFiles.Count(f => f.MustBeQuarantined);
        var rowsRead = report.Files.Where(f => !report.InjectedFiles.Any(i => i.MustBeQuarantined && i.FileKey == f.Key)).Sum(f => f.Rows);
        foreach (var source in new[] { summary, emf })
        {
            Assert.Equal(report.Files.Count - quarantinedFiles, source.GetProperty("FilesProcessed").GetInt32());
            Assert.Equal(quarantinedFiles, source.GetProperty("FilesQuarantined").GetInt32());
            Assert.Equal(rowsRead, source.GetProperty("RowsRead").GetInt64());
            Assert.Equal(report.InjectedRows.Count, source.GetProperty("RowsRejected").GetInt64());
            Assert.Equal(report.GoldRowsAfterDrop[^1], source.GetProperty("GoldRows").GetInt64());
        }
        Assert.Equal(0, emf.GetProperty("RunFailed").GetInt32());
        Assert.Equal("SpotifyWorker", emf.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Namespace").GetString());
    }

    [Fact]
    public async Task Run_SigtermDuringARun_ExitsZeroKeepsCommittedStateAndNextRunCompletes()
    {
        var report = await GenerateAsync(new GenerationOptions { Scale = 0.5, Drops = 1, Seed = 3 });
        using var service = WorkerProcess.Start("run", "--lake", _lake.Path, "--log-format", "text",
            $"--Pipeline:Health:HeartbeatFile={_lake.Combine("heartbeat")}");

        // No run was ever completed, so the service catches up at once; stop it in the middle of the batch.
        Assert.True(await service.WaitForLineAsync(l => l.Contains("transforming", StringComparison.Ordinal), TimeSpan.FromMinutes(1)), string.Join('\n', service.AllLines));
        var signalled = DateTime.UtcNow;
        service.Terminate();
        var exit = await service.WaitForExitAsync(TimeSpan.FromSeconds(40));

        Assert.Equal(0, exit);
        Assert.True(DateTime.UtcNow - signalled < TimeSpan.FromSeconds(25), $"stopped after {(DateTime.UtcNow - signalled).TotalSeconds:F1} s");
        Assert.Contains(service.AllLines, l => l.Contains("Lease released", StringComparison.Ordinal));
        Assert.False(System.IO.File.Exists(_lake.Combine("heartbeat")), "a stopped service leaves no fresh heartbeat");

        var store = new LocalObjectStore(_lake.Path);
        var log = new CommitLog(store, Microsoft.Extensions.Options.Options.Create(new ManifestOptions()), Microsoft.Extensions.Logging.Abstractions.NullLogger<CommitLog>.Instance);
        var interrupted = await log.LoadAsync(Ct);
        Assert.Equal(0, interrupted.Seq);
        await foreach (var leftover in store.ListAsync("silver/", cancellationToken: Ct)) Assert.Fail($"uncommitted file left: {leftover.Key}");

        var (next, _, _) = await WorkerProcess.RunAsync(TimeSpan.FromMinutes(3), "run-once", "--lake", _lake.Path);
        var completed = await log.LoadAsync(Ct);

        Assert.Equal(0, next);
        Assert.Equal(1, completed.Seq);
        Assert.Equal(report.GoldRowsAfterDrop[^1], completed.RowsOf(Tables.Gold));
    }
}
