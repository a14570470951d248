using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.Oracle;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Orchestration;

/// <summary>Two workers on one lake: the lease lets one run; without it, the commit log's CAS still lets only one commit.</summary>
public sealed class TwoWorkersTests : IDisposable
{
    private readonly TempDirectory _lake = new();
    private readonly TempDirectory _reference = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _lake.Dispose();
        _reference.Dispose();
    }

    private static Task<GenerationReport> GenerateAsync(string lake) =>
        SpotifyDataGenerator.GenerateAsync(new LocalObjectStore(lake), "raw/", new GenerationOptions { Scale = 0.003, Drops = 2, Seed = 11, TempDirectory = Path.Combine(lake, "gen-tmp") }, Ct);

    private static async Task<IReadOnlyList<string>> GoldAsync(string lake)
    {
        using var services = PipelineServices.Create(lake);
        var result = await services.GetRequiredService<Pipeline.Query.IQueryEngine>().QueryAsync("SELECT * FROM spotify_tracks ORDER BY track_id", Ct);
        return [.. result.Rows.Select(r => string.Join('|', r.Select(v => v is System.Collections.IEnumerable e and not string ? string.Join(',', e.Cast<object>()) : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))))];
    }

    [Fact]
    public async Task RunAsync_TwoWorkersStartedTogether_OneProcessesTheOtherYieldsAndGoldEqualsSingleWorker()
    {
        await GenerateAsync(_lake.Path);
        await GenerateAsync(_reference.Path);
        var logsA = new CollectingLoggerProvider();
        var logsB = new CollectingLoggerProvider();
        using var workerA = PipelineServices.Create(_lake.Path, logs: logsA);
        using var workerB = PipelineServices.Create(_lake.Path, logs: logsB);

        var first = await Task.WhenAll(
            Task.Run(() => workerA.GetRequiredService<RunCoordinator>().RunAsync(Ct), Ct),
            Task.Run(() => workerB.GetRequiredService<RunCoordinator>().RunAsync(Ct), Ct));
        RunSummary[] second = [
            await workerA.GetRequiredService<RunCoordinator>().RunAsync(Ct),
            await workerB.GetRequiredService<RunCoordinator>().RunAsync(Ct)];

        Assert.Single(first, s => s.Outcome == RunOutcome.Succeeded);
        Assert.Single(first, s => s.Outcome == RunOutcome.Yielded);
        Assert.All(second, s => Assert.Equal(RunOutcome.NothingNew, s.Outcome));
        Assert.Contains(logsA.Messages.Concat(logsB.Messages), m => m.StartsWith("Yielding: the lake's lease is held by", StringComparison.Ordinal));

        using var single = PipelineServices.Create(_reference.Path);
        await single.GetRequiredService<RunCoordinator>().RunAsync(Ct);
        Assert.Equal(await GoldAsync(_reference.Path), await GoldAsync(_lake.Path));
        Assert.Equal(1, (await workerA.GetRequiredService<CommitLog>().LoadAsync(Ct)).Seq);
        await OracleAssert.MatchesAsync(_lake.Path);
    }

    [Fact]
    public async Task RunOnce_TwoRunnersWithoutLease_CommitCasLetsExactlyOneCommitEachBatch()
    {
        await GenerateAsync(_lake.Path);
        await GenerateAsync(_reference.Path);
        using var workerA = PipelineServices.Create(_lake.Path, new Dictionary<string, string?> { ["Pipeline:Batch:MaxFiles"] = "2" });
        using var workerB = PipelineServices.Create(_lake.Path, new Dictionary<string, string?> { ["Pipeline:Batch:MaxFiles"] = "2" });

        // Both run at once with no lease at all, batch by batch, until neither finds anything new.
        var committed = 0;
        for (var round = 0; round < 10; round++)
        {
            var results = await Task.WhenAll(
                Task.Run(() => workerA.GetRequiredService<PipelineRunner>().RunOnceAsync("a" + round, NoLease.Instance, Ct), Ct),
                Task.Run(() => workerB.GetRequiredService<PipelineRunner>().RunOnceAsync("b" + round, NoLease.Instance, Ct), Ct));
            Assert.DoesNotContain(results, r => r.Outcome == RunOutcome.Failed);
            committed += results.Sum(r => r.Batches.Count);
            if (results.All(r => r.Outcome == RunOutcome.NothingNew)) break;
        }

        using var single = PipelineServices.Create(_reference.Path, new Dictionary<string, string?> { ["Pipeline:Batch:MaxFiles"] = "2" });
        var alone = await single.GetRequiredService<RunCoordinator>().RunAsync(Ct);
        var state = await workerA.GetRequiredService<CommitLog>().LoadAsync(Ct);
        // Each batch committed by exactly one of them: a commit that overwrote the other's log entry would count twice.
        Assert.Equal(alone.Batches.Count, committed);
        Assert.Equal(await GoldAsync(_reference.Path), await GoldAsync(_lake.Path));
        await OracleAssert.MatchesAsync(_lake.Path);
        Assert.Equal(state.Files.Count, state.Files.Keys.Select(v => v.Key).Distinct().Count()); // no raw file recorded twice
        Assert.Equal(6, state.Files.Count);
    }
}
