using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Tests.Oracle;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;
using static SpotifyWorker.Pipeline.Tests.TestSupport.Csv;

namespace SpotifyWorker.Pipeline.Tests.Orchestration;

/// <summary>A run aborted at each step leaves the last committed state readable, and the next run completes it.</summary>
public sealed class CrashSafetyTests
{
    private sealed class CrashOnce(FaultPoint point) : IFaultInjector
    {
        public bool Armed { get; set; }

        public bool Fired { get; private set; }

        public ValueTask AtAsync(FaultPoint at, CancellationToken cancellationToken)
        {
            if (!Armed || at != point || Fired) return ValueTask.CompletedTask;
            Fired = true;
            throw new IOException($"injected crash at {point}");
        }
    }

    private static async Task FirstDropAsync(TestLake lake)
    {
        await lake.PutAsync("raw/artists/d1/a.csv", File(ArtistHeader, Artist("a1", "Ana"), Artist("a2", "Bo")));
        await lake.PutAsync("raw/albums/d1/a.csv", File(AlbumHeader, Album("t1", "a1", "2001"), Album("t2", "a2", "2002")));
        await lake.PutAsync("raw/tracks/d1/t.csv", File(TrackHeader, Track("t1"), Track("t2")));
    }

    private static async Task SecondDropAsync(TestLake lake)
    {
        await lake.PutAsync("raw/artists/d2/a.csv", File(ArtistHeader, Artist("a1", "Ana renamed")));
        await lake.PutAsync("raw/albums/d2/a.csv", File(AlbumHeader, Album("t2", "a2", "2003"), Album("t3", "a2", "2002") + ",ragged"));
        await lake.PutAsync("raw/tracks/d2/t.csv", File(TrackHeader, Track("t3")));
    }

    public static TheoryData<FaultPoint> RunnerPoints() =>
    [
        FaultPoint.AfterTransform,
        FaultPoint.BeforeCommit,
        FaultPoint.AfterCommit,
        FaultPoint.BeforeSupersededDelete,
        FaultPoint.AfterSupersededDelete,
        FaultPoint.BeforeCatalogRefresh,
        FaultPoint.BeforeViewRefresh,
    ];

    [Theory]
    [MemberData(nameof(RunnerPoints))]
    public async Task RunOnce_CrashAtStep_PreviousStateReadableAndNextRunRepairs(FaultPoint point)
    {
        using var reference = new TestLake();
        await FirstDropAsync(reference);
        await reference.RunOkAsync();
        await SecondDropAsync(reference);
        await reference.RunOkAsync();

        var crash = new CrashOnce(point);
        using var lake = new TestLake(faults: crash, garbageGrace: TimeSpan.Zero);
        await FirstDropAsync(lake);
        await lake.RunOkAsync();
        var before = await lake.GoldAsync();
        await SecondDropAsync(lake);
        crash.Armed = true;

        var crashed = await lake.RunAsync(TestContext.Current.CancellationToken);
        var afterCrash = await lake.GoldAsync();
        var repaired = await lake.RunAsync(TestContext.Current.CancellationToken);

        Assert.True(crash.Fired);
        Assert.Equal(RunOutcome.Failed, crashed.Outcome);
        Assert.Contains($"injected crash at {point}", crashed.Error, StringComparison.Ordinal);
        Assert.True(afterCrash.SequenceEqual(before) || afterCrash.SequenceEqual(await reference.GoldAsync()), "after a crash the lake shows the previous or the new committed state, nothing in between");
        Assert.NotEqual(RunOutcome.Failed, repaired.Outcome);
        Assert.Equal(await reference.GoldAsync(), await lake.GoldAsync());
        Assert.Equal(await reference.QuarantineAsync(), await lake.QuarantineAsync());
        await OracleAssert.MatchesAsync(lake);

        var state = await lake.Log.LoadAsync(CancellationToken.None);
        Assert.Equal(6, state.Files.Count); // every raw file once, none twice
        Assert.Equal(state.LiveFiles.Keys.Order(StringComparer.Ordinal), (await lake.DataFilesOnDiskAsync()).Order(StringComparer.Ordinal));
    }
}
