using FsCheck;
using FsCheck.Fluent;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Tests.Oracle;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;
using static SpotifyWorker.Pipeline.Tests.TestSupport.Csv;

namespace SpotifyWorker.Pipeline.Tests.Orchestration;

/// <summary>
/// The central invariant: processing drops one run at a time gives exactly the gold rows of one run over all
/// of them, whatever the batch caps, and a rerun with nothing new commits nothing. The incremental lake rewrites gold
/// one partition per COPY (RewriteRunRows = 1), the capped lake in the default runs, so both ways are held to the same rows.
/// </summary>
public sealed class IncrementalEqualsFullRefreshTests
{
    /// <summary>A drop: raw rows per entity; small key spaces so that updates and late dimensions are common.</summary>
    public sealed record Drop(string[] Artists, string[] Albums, string[] Tracks)
    {
        public override string ToString() =>
            $"artists[{string.Join("; ", Artists)}] albums[{string.Join("; ", Albums)}] tracks[{string.Join("; ", Tracks)}]";
    }

    private static readonly Gen<string> ArtistRow =
        from id in Gen.Elements("a1", "a2", "a3", "a4")
        from name in Gen.Elements("Ana", "Bo", "Çé", "Dee, Jr.")
        from popularity in Gen.Choose(0, 100)
        from followers in Gen.Choose(0, 1000)
        from genres in Gen.Elements(new string[] { }, ["pop"], ["rock", "indie rock"])
        from bad in Gen.Frequency((9, Gen.Constant(false)), (1, Gen.Constant(true)))
        select bad ? $"{id},{name},x{popularity},[],1,,,,,,," : Artist(id, name.Contains(',', StringComparison.Ordinal) ? "\"" + name + "\"" : name, popularity, followers, genres);

    private static readonly Gen<string> AlbumRow =
        from track in Gen.Elements("t1", "t2", "t3", "t4", "t5")
        from artist in Gen.Elements("a1", "a2", "a3", "a4", "a5")
        from date in Gen.Elements("2000", "2000-05", "2001-02-03", "2002-07-08 00:00:00 UTC", "2003-13-01")
        from popularity in Gen.Choose(0, 100)
        select Album(track, artist, date, popularity: popularity);

    private static readonly Gen<string> TrackRow =
        from id in Gen.Elements("t1", "t2", "t3", "t4", "t5")
        from popularity in Gen.Choose(0, 100)
        from flag in Gen.Elements("true", "false", "TRUE", "maybe")
        select Track(id, popularity, flag);

    private static readonly Gen<Drop> DropGen =
        from artists in Gen.Choose(0, 4).SelectMany(n => ArtistRow.ArrayOf(n))
        from albums in Gen.Choose(0, 5).SelectMany(n => AlbumRow.ArrayOf(n))
        from tracks in Gen.Choose(0, 5).SelectMany(n => TrackRow.ArrayOf(n))
        select new Drop(artists, albums, tracks);

    private static async Task WriteDropAsync(TestLake lake, int index, Drop drop)
    {
        var folder = $"drop-{index:D4}";
        if (drop.Artists.Length > 0) await lake.PutAsync($"raw/artists/{folder}/artists.csv", File(ArtistHeader, drop.Artists));
        if (drop.Albums.Length > 0) await lake.PutAsync($"raw/albums/{folder}/albums.csv", File(AlbumHeader, drop.Albums));
        if (drop.Tracks.Length > 0) await lake.PutAsync($"raw/tracks/{folder}/tracks.csv", File(TrackHeader, drop.Tracks));
    }

    private static async Task<bool> HoldsAsync(Drop[] drops)
    {
        using var incremental = new TestLake(rewriteRunRows: 1);
        for (var i = 0; i < drops.Length; i++)
        {
            await WriteDropAsync(incremental, i + 1, drops[i]);
            await incremental.RunOkAsync();
        }

        // The full refresh's first load sorts its gold rows into a temporary table, the others' inside the COPY
        // (DuckDbOptions.FirstLoadInlineSortRows): both ways must give the oracle's gold.
        using var full = new TestLake(firstLoadInlineSortRows: 0);
        using var capped = new TestLake(new BatchOptions { MaxFiles = 2 });
        for (var i = 0; i < drops.Length; i++)
        {
            await WriteDropAsync(full, i + 1, drops[i]);
            await WriteDropAsync(capped, i + 1, drops[i]);
        }
        await full.RunOkAsync();
        await capped.RunOkAsync();

        await OracleAssert.MatchesAsync(full);
        await OracleAssert.MatchesAsync(capped);
        var expected = await full.GoldAsync();
        var seq = (await incremental.Log.LoadAsync(CancellationToken.None)).Seq;
        var rerun = await incremental.RunOkAsync();

        await OracleAssert.MatchesAsync(incremental);
        return expected.SequenceEqual(await incremental.GoldAsync())
            && expected.SequenceEqual(await capped.GoldAsync())
            && rerun.Outcome == RunOutcome.NothingNew
            && rerun.CommittedSeq == seq
            && expected.SequenceEqual(await incremental.GoldAsync());
    }

    [Fact]
    public void RunOnce_RandomDropsOneAtATime_EqualsOneRunOverAllAndRerunIsNoOp()
    {
        var drops = Gen.Choose(1, 4).SelectMany(n => DropGen.ArrayOf(n));
        Prop.ForAll(drops.ToArbitrary(), d => HoldsAsync(d).GetAwaiter().GetResult())
            .Check(Config.QuickThrowOnFailure.WithMaxTest(25).WithQuietOnSuccess(true));
    }

    [Fact]
    public async Task RunOnce_KnownDropsWithUpdatesAndLateDimensions_EqualsFullRefresh()
    {
        Drop[] drops =
        [
            new([Artist("a1", "Ana", 10)], [Album("t1", "a1", "2000"), Album("t2", "a2", "2001-01")], [Track("t1", 1)]),
            new([Artist("a2", "Bo", 20)], [Album("t1", "a1", "2004-04-04")], [Track("t2", 2), Track("t1", 3)]),
            new([Artist("a1", "Ana v2", 11), Artist("a1", "Ana v3", 12)], [], [Track("t3", 9)]),
        ];

        Assert.True(await HoldsAsync(drops));
    }
}
