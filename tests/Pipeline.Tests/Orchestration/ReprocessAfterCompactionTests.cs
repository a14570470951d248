using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.Oracle;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;
using static SpotifyWorker.Pipeline.Tests.TestSupport.Csv;

namespace SpotifyWorker.Pipeline.Tests.Orchestration;

/// <summary>
/// <c>reprocess --from N</c> once compacted silver holds versions of batch N: the lake must equal a fresh one loaded
/// with the batches before N (each as it was) and then everything again. The drops arrive against key order (a later
/// drop's files sort first), so loading every file again in one key-ordered pass would pick other winners.
/// </summary>
public sealed class ReprocessAfterCompactionTests : IDisposable
{
    private static readonly Dictionary<string, string?> CompactEveryBatch = new()
    {
        ["Pipeline:Compaction:MinRows"] = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Pipeline:Compaction:MaxDeltaFiles"] = "1",
    };

    private readonly TempDirectory _lake = new();
    private readonly TempDirectory _fresh = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _lake.Dispose();
        _fresh.Dispose();
    }

    /// <summary>Each drop's files, by drop; keys sort z, m, b, so every drop's files come first in key order.</summary>
    private static readonly (string Key, string Content)[][] Drops =
    [
        [
            ("raw/artists/z/a.csv", File(ArtistHeader, Artist("a1", "Ana", 10), Artist("a2", "Bo", 20))),
            ("raw/albums/z/a.csv", File(AlbumHeader, Album("t1", "a1", "2001"), Album("t2", "a2", "2002"))),
            ("raw/tracks/z/a.csv", File(TrackHeader, Track("t1", 1), Track("t2", 2), "t9,x,true")),
        ],
        [
            ("raw/artists/m/a.csv", File(ArtistHeader, Artist("a1", "Ana two", 11), "a2,Bo,x1,[],1,,,,,,,")),
            ("raw/tracks/m/a.csv", File(TrackHeader, Track("t1", 5))),
        ],
        [
            ("raw/albums/b/a.csv", File(AlbumHeader, Album("t1", "a2", "2003"), Album("t3", "a1", "1999"))),
            ("raw/artists/b/a.csv", File(ArtistHeader, Artist("a2", "Bo three", 30))),
            ("raw/tracks/b/a.csv", File(TrackHeader, Track("t3", 9), Track("t2", 8))),
        ],
    ];

    private static async Task PutAsync(string lake, IEnumerable<(string Key, string Content)> files)
    {
        var store = new LocalObjectStore(lake);
        foreach (var (key, content) in files) await store.PutAsync(key, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)), Ct);
    }

    private static async Task RunAsync(ServiceProvider services)
    {
        var summary = await services.GetRequiredService<RunCoordinator>().RunAsync(Ct);
        Assert.True(summary.Outcome is RunOutcome.Succeeded or RunOutcome.NothingNew, $"{summary.Outcome}: {summary.Error}");
    }

    private static async Task<(IReadOnlyList<string> Gold, IReadOnlyList<string> Quarantine)> TablesAsync(string lake)
    {
        var store = new LocalObjectStore(lake);
        var state = await Reliability.LakeInspector.StateAsync(lake);
        return (await TestLake.RowsAsync(store, state, Tables.Gold, orderBy: "track_id"),
            await TestLake.RowsAsync(store, state, Tables.Quarantine, "source_key, line, reason, raw_line", "source_key, line"));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ReprocessFrom_BatchInsideACompactedBase_EqualsFreshLakeOfEarlierBatchesThenEverything(int fromDrop)
    {
        using var services = PipelineServices.Create(_lake.Path, CompactEveryBatch);
        foreach (var drop in Drops)
        {
            await PutAsync(_lake.Path, drop);
            await RunAsync(services);
        }
        Assert.NotNull(await services.GetRequiredService<PipelineRunner>().CompactNowAsync("compact-test", NoLease.Instance, Ct));
        var state = await services.GetRequiredService<CommitLog>().LoadAsync(Ct);
        var batchSeqs = state.Files.Values.Select(f => f.Batch).Distinct().Order().ToList();
        Assert.Equal(3, batchSeqs.Count);
        var from = batchSeqs[fromDrop - 1];
        Assert.Contains(state.LiveFiles.Values, f => f.ToBatch >= from); // the bases hold batch N: a replay is needed

        var result = await services.GetRequiredService<Reprocessor>().ReprocessFromAsync(from, Ct);
        var reprocess = (await services.GetRequiredService<CommitLog>().ReadRecentAsync(result.CommitSeq, 1, Ct)).Single();
        await RunAsync(services);

        Assert.Equal(CommitKind.Reprocess, reprocess.Kind);
        Assert.Equal(fromDrop - 1, reprocess.Replay.Count);
        Assert.Equal(state.Files.Count, reprocess.Forgotten.Count);
        Assert.Equal(state.LiveFiles.Count, reprocess.Removed.Count);

        using (var fresh = PipelineServices.Create(_fresh.Path))
        {
            foreach (var drop in Drops.Take(fromDrop - 1))
            {
                await PutAsync(_fresh.Path, drop);
                await RunAsync(fresh);
            }
            await PutAsync(_fresh.Path, Drops.SelectMany(d => d));
            await RunAsync(fresh);
        }
        var expected = await TablesAsync(_fresh.Path);
        var actual = await TablesAsync(_lake.Path);
        Assert.Equal(expected.Gold, actual.Gold);
        Assert.Equal(expected.Quarantine, actual.Quarantine);
        Assert.Contains(actual.Gold, r => r.StartsWith("t1 |", StringComparison.Ordinal) && r.Contains("Bo three", StringComparison.Ordinal));
        await OracleAssert.MatchesAsync(_lake.Path);

        var after = await services.GetRequiredService<CommitLog>().LoadAsync(Ct);
        Assert.Empty(after.PendingReplay());
        var rerun = await services.GetRequiredService<RunCoordinator>().RunAsync(Ct);
        Assert.Equal(RunOutcome.NothingNew, rerun.Outcome);
        Assert.Equal(after.Seq, rerun.CommittedSeq);
    }

    [Fact]
    public async Task ReprocessFrom_BatchAfterEveryBase_KeepsTheBaseAndForgetsLaterBatchesOnly()
    {
        using var services = PipelineServices.Create(_lake.Path, CompactEveryBatch);
        await PutAsync(_lake.Path, Drops[0]);
        await RunAsync(services);
        await PutAsync(_lake.Path, Drops[1]);
        await RunAsync(services);
        var compacted = await services.GetRequiredService<CommitLog>().LoadAsync(Ct);
        using (var manual = PipelineServices.Create(_lake.Path, new Dictionary<string, string?> { ["Pipeline:Compaction:Enabled"] = "false" }))
        {
            await PutAsync(_lake.Path, Drops[2]);
            await RunAsync(manual);
        }
        var state = await services.GetRequiredService<CommitLog>().LoadAsync(Ct);
        var last = state.Files.Values.Max(f => f.Batch);

        var result = await services.GetRequiredService<Reprocessor>().ReprocessFromAsync(last, Ct);
        var reprocess = (await services.GetRequiredService<CommitLog>().ReadRecentAsync(result.CommitSeq, 1, Ct)).Single();
        var afterReprocess = await services.GetRequiredService<CommitLog>().LoadAsync(Ct);
        await RunAsync(services);

        Assert.Empty(reprocess.Replay);
        Assert.Equal(Drops[2].Length, reprocess.Forgotten.Count);
        Assert.Equal(
            compacted.LiveFiles.Values.Where(f => f.ToBatch is not null).Select(f => f.Key).Order(StringComparer.Ordinal),
            afterReprocess.LiveFiles.Values.Where(f => f.ToBatch is not null).Select(f => f.Key).Order(StringComparer.Ordinal));
        await OracleAssert.MatchesAsync(_lake.Path);
    }

    private async Task<ServiceProvider> LoadedAndCompactedAsync()
    {
        var services = PipelineServices.Create(_lake.Path, CompactEveryBatch);
        foreach (var drop in Drops)
        {
            await PutAsync(_lake.Path, drop);
            await RunAsync(services);
        }
        Assert.NotNull(await services.GetRequiredService<PipelineRunner>().CompactNowAsync("compact-test", NoLease.Instance, Ct));
        return services;
    }

    [Fact]
    public async Task Run_ReplayedRawFileDeletedSince_SkipsItAndReplaysTheRest()
    {
        using var services = await LoadedAndCompactedAsync();
        var last = (await services.GetRequiredService<CommitLog>().LoadAsync(Ct)).Files.Values.Max(f => f.Batch);
        await services.GetRequiredService<Reprocessor>().ReprocessFromAsync(last, Ct);
        await new LocalObjectStore(_lake.Path).DeleteAsync("raw/tracks/m/a.csv", Ct);

        var rerun = await services.GetRequiredService<RunCoordinator>().RunAsync(Ct);

        Assert.Equal(RunOutcome.Succeeded, rerun.Outcome);
        Assert.Equal(3, rerun.Batches.Count); // the two replayed batches, then drop 3's files
        var state = await services.GetRequiredService<CommitLog>().LoadAsync(Ct);
        Assert.Empty(state.PendingReplay());
        Assert.DoesNotContain(state.Files.Values, f => f.Key == "raw/tracks/m/a.csv");
        Assert.Equal(Drops.Sum(d => d.Length) - 1, state.Files.Count);
        await OracleAssert.MatchesAsync(_lake.Path);
    }

    [Fact]
    public async Task ReprocessFrom_ReplayStillPending_RefusesAndCommitsNothing()
    {
        using var services = await LoadedAndCompactedAsync();
        var reprocessor = services.GetRequiredService<Reprocessor>();
        var first = await reprocessor.ReprocessFromAsync(2, Ct);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => reprocessor.ReprocessFromAsync(1, Ct));

        Assert.Contains("replay of an earlier reprocess has not run yet", error.Message, StringComparison.Ordinal);
        Assert.Equal(first.CommitSeq, (await services.GetRequiredService<CommitLog>().LoadAsync(Ct)).Seq);
    }
}
