using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Query;
using SpotifyWorker.Pipeline.Tests.Oracle;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Pipeline.Transform;
using Xunit;
using static SpotifyWorker.Pipeline.Tests.TestSupport.Csv;

namespace SpotifyWorker.Pipeline.Tests.Orchestration;

/// <summary>Silver compaction as a commit of its own: current versions kept, old files superseded, nothing else changed.</summary>
public sealed class CompactionTests : IDisposable
{
    private const string ArtistColumns = "id, _batch, _file_ord, _row, name, artist_popularity";

    private readonly TestLake _lake = new(new BatchOptions { MaxFiles = 2 }, compaction: new CompactionOptions { Enabled = false });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _lake.Dispose();

    /// <summary>Three drops with new versions of the same keys, a key repeated within a file, and a rejected row.</summary>
    private async Task ThreeDropsAsync(TestLake lake)
    {
        await lake.PutAsync("raw/artists/d1/a.csv", File(ArtistHeader, Artist("a1", "Ana", 10), Artist("a2", "Bo", 20), Artist("a1", "Ana two", 11)));
        await lake.PutAsync("raw/albums/d1/a.csv", File(AlbumHeader, Album("t1", "a1", "2001"), Album("t2", "a2", "2002")));
        await lake.PutAsync("raw/tracks/d1/a.csv", File(TrackHeader, Track("t1", 1), Track("t2", 2)));
        await lake.RunOkAsync();
        await lake.PutAsync("raw/artists/d2/a.csv", File(ArtistHeader, Artist("a1", "Ana three", 12), $"a2,Bo,x1,[],1,,,,,,,"));
        await lake.PutAsync("raw/tracks/d2/a.csv", File(TrackHeader, Track("t1", 5), Track("t3", 7)));
        await lake.RunOkAsync();
        await lake.PutAsync("raw/albums/d3/a.csv", File(AlbumHeader, Album("t1", "a2", "2003"), Album("t3", "a1", "2003")));
        await lake.RunOkAsync();
    }

    /// <summary>The newest version of each artist by latest-wins order, from rows sorted by key and that order.</summary>
    private static IReadOnlyList<string> Latest(IReadOnlyList<string> rows) =>
        [.. rows.GroupBy(r => r.Split(" | ")[0]).Select(g => g.Last())];

    [Fact]
    public async Task CompactNow_AfterSeveralBatches_OneBasePerEntityHoldingTheLatestVersions()
    {
        await ThreeDropsAsync(_lake);
        var before = await _lake.Log.LoadAsync(Ct);
        var silverBefore = await _lake.RowsAsync(Tables.Silver(Entity.Artists), ArtistColumns, "id, _batch, _file_ord, _row");
        var gold = await _lake.GoldAsync();
        var quarantine = await _lake.QuarantineAsync();

        var summary = await _lake.CompactAsync(Ct);

        var after = await _lake.Log.LoadAsync(Ct);
        var entry = (await _lake.Log.ReadRecentAsync(after.Seq, 1, Ct)).Single();
        Assert.NotNull(summary);
        Assert.Equal(before.Seq + 1, after.Seq);
        Assert.Equal(CommitKind.Compaction, entry.Kind);
        Assert.Empty(entry.Files);
        Assert.Equal(before.Files, after.Files);
        Assert.Equal(
            before.LiveFiles.Values.Where(f => f.Table.StartsWith("silver_", StringComparison.Ordinal)).Select(f => f.Key).Order(StringComparer.Ordinal),
            entry.Removed.Order(StringComparer.Ordinal));
        foreach (var entity in Entities.All)
        {
            var bases = after.FilesOf(Tables.Silver(entity)).ToList();
            Assert.Single(bases);
            Assert.Contains($"/compact={after.Seq}/", bases[0].Key, StringComparison.Ordinal);
            // The highest batch whose rows it holds: tracks came last in batch 3.
            Assert.Equal(before.FilesOf(Tables.Silver(entity)).Max(f => LakeLayout.BatchOf(f.Key)), bases[0].ToBatch);
        }
        Assert.Equal(Latest(silverBefore), await _lake.RowsAsync(Tables.Silver(Entity.Artists), ArtistColumns, "id, _batch, _file_ord, _row"));
        Assert.Equal(gold, await _lake.GoldAsync());
        Assert.Equal(quarantine, await _lake.QuarantineAsync());
        Assert.Equal(after.LiveFiles.Keys.Order(StringComparer.Ordinal), (await _lake.DataFilesOnDiskAsync()).Order(StringComparer.Ordinal));

        Assert.Null(await _lake.CompactAsync(Ct));
        Assert.Equal(after.Seq, (await _lake.Log.LoadAsync(Ct)).Seq);
    }

    [Fact]
    public async Task RunOnce_AfterCompaction_LaterVersionsStillWinAndGoldEqualsTheOracle()
    {
        await ThreeDropsAsync(_lake);
        await _lake.CompactAsync(Ct);
        await _lake.PutAsync("raw/artists/d4/a.csv", File(ArtistHeader, Artist("a1", "Ana four", 13)));
        await _lake.PutAsync("raw/albums/d4/a.csv", File(AlbumHeader, Album("t2", "a1", "1999")));
        await _lake.RunOkAsync();

        Assert.Contains(await _lake.RowsAsync(Tables.Gold, "track_id, artist_name, release_year", "track_id"), r => r == "t2 | Ana four | 1999");
        await OracleAssert.MatchesAsync(_lake);
    }

    [Fact]
    public async Task RunOnce_PolicyDue_CompactsAfterTheBatchAsItsOwnCommitAndRerunCommitsNothing()
    {
        using var lake = new TestLake(new BatchOptions { MaxFiles = 2 }, compaction: new CompactionOptions { MinRows = long.MaxValue, MaxDeltaFiles = 1 });
        await ThreeDropsAsync(lake);

        var state = await lake.Log.LoadAsync(Ct);
        var kinds = (await lake.Log.ReadRecentAsync(state.Seq, (int)state.Seq, Ct)).Select(e => e.Kind).ToList();
        Assert.Contains(CommitKind.Compaction, kinds);
        Assert.All(Entities.All, e => Assert.True(CompactionPolicy.ShapeOf(state, e).DeltaFiles <= 1));
        await OracleAssert.MatchesAsync(lake);

        var rerun = await lake.RunOkAsync();
        Assert.Equal(RunOutcome.NothingNew, rerun.Outcome);
        Assert.Empty(rerun.Compactions);
        Assert.Equal(state.Seq, rerun.CommittedSeq);
    }

    [Fact]
    public async Task RunOnce_DueCompactionInterrupted_NextRunWithNothingNewCompacts()
    {
        var crash = new Reliability.CrashAt(FaultPoint.AfterCompactionWrite);
        using var lake = new TestLake(new BatchOptions { MaxFiles = 1 }, faults: crash, compaction: new CompactionOptions { MinRows = 0, MinDeltaRatio = 0.5 });
        await lake.PutAsync("raw/artists/d1/a.csv", File(ArtistHeader, Artist("a1", "Ana", 10), Artist("a1", "Ana two", 11)));
        await lake.PutAsync("raw/artists/d1/b.csv", File(ArtistHeader, Artist("a1", "Ana three", 12)));

        var crashed = await lake.RunAsync(Ct);
        var next = await lake.RunOkAsync();

        Assert.True(crash.Fired);
        Assert.Equal(RunOutcome.Failed, crashed.Outcome);
        Assert.Equal(2, crashed.CommittedSeq);
        Assert.Equal(RunOutcome.Succeeded, next.Outcome);
        Assert.Single(next.Compactions);
        var state = await lake.Log.LoadAsync(Ct);
        Assert.Equal(2, Assert.Single(state.FilesOf(Tables.Silver(Entity.Artists))).ToBatch);
        Assert.Equal(state.LiveFiles.Keys.Order(StringComparer.Ordinal), (await lake.DataFilesOnDiskAsync()).Order(StringComparer.Ordinal));
    }

    /// <summary>The documented meaning of <c>silver_*</c> in <c>query</c>: the bases' current versions plus every delta row since.</summary>
    [Fact]
    public async Task Query_SilverAfterCompaction_HoldsCurrentVersionsThenEveryLaterRow()
    {
        using var dir = new TempDirectory();
        using var services = PipelineServices.Create(dir.Path, new Dictionary<string, string?> { ["Pipeline:Compaction:Enabled"] = "false" });
        var store = new Pipeline.Storage.LocalObjectStore(dir.Path);
        async Task DropAsync(string key, params string[] rows)
        {
            await store.PutAsync(key, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(File(ArtistHeader, rows))), Ct);
            Assert.Equal(RunOutcome.Succeeded, (await services.GetRequiredService<RunCoordinator>().RunAsync(Ct)).Outcome);
        }
        async Task<IReadOnlyList<string>> SilverAsync() =>
            [.. (await services.GetRequiredService<IQueryEngine>().QueryAsync("SELECT id, name FROM silver_artists ORDER BY _batch, _file_ord, _row", Ct)).Rows.Select(r => $"{r[0]} {r[1]}")];

        await DropAsync("raw/artists/d1/a.csv", Artist("a1", "Ana"), Artist("a2", "Bo"), Artist("a1", "Ana two"));
        await DropAsync("raw/artists/d2/a.csv", Artist("a2", "Bo two"));
        Assert.Equal(["a1 Ana", "a2 Bo", "a1 Ana two", "a2 Bo two"], await SilverAsync());

        Assert.NotNull(await services.GetRequiredService<PipelineRunner>().CompactNowAsync("compact-test", NoLease.Instance, Ct));
        Assert.Equal(["a1 Ana two", "a2 Bo two"], await SilverAsync());

        await DropAsync("raw/artists/d3/a.csv", Artist("a1", "Ana three"));
        Assert.Equal(["a1 Ana two", "a2 Bo two", "a1 Ana three"], await SilverAsync());
    }
}
