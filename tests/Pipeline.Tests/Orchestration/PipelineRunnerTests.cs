using SpotifyWorker.Pipeline.DuckDb;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Pipeline.Transform;
using Xunit;
using static SpotifyWorker.Pipeline.Tests.TestSupport.Csv;

namespace SpotifyWorker.Pipeline.Tests.Orchestration;

public sealed class PipelineRunnerTests : IDisposable
{
    private readonly TestLake _lake = new();

    public void Dispose() => _lake.Dispose();

    private async Task DropAsync(string drop, string[] artists, string[] albums, string[] tracks)
    {
        if (artists.Length > 0) await _lake.PutAsync($"raw/artists/{drop}/artists.csv", File(ArtistHeader, artists));
        if (albums.Length > 0) await _lake.PutAsync($"raw/albums/{drop}/albums.csv", File(AlbumHeader, albums));
        if (tracks.Length > 0) await _lake.PutAsync($"raw/tracks/{drop}/tracks.csv", File(TrackHeader, tracks));
    }

    /// <summary>
    /// With <paramref name="goldCommitted"/>, a first batch puts an unrelated track (t0) into gold, so that the batch
    /// under test finds gold committed and its albums and tracks come from delta_albums and delta_tracks (the affected
    /// tracks' rows); without it, from compact_albums and compact_tracks over all silver. The two spell latest-wins
    /// separately, so both are tested.
    /// </summary>
    private async Task<string[]> CommitUnrelatedGoldAsync(bool goldCommitted)
    {
        if (!goldCommitted) return [];
        await DropAsync("d0", [Artist("a0", "Unrelated")], [Album("t0", "a0")], [Track("t0")]);
        await _lake.RunOkAsync();
        return ["t0 | Unrelated"];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunOnce_ThreeEntities_JoinsIntoGoldPartitionedByYear(bool goldCommitted)
    {
        var before = await CommitUnrelatedGoldAsync(goldCommitted);
        await DropAsync("d1",
            [Artist("a1", "Ana", 70, 5000, "pop", "dance pop"), Artist("a2", "Bo")],
            [Album("t1", "a1", "2019-05-01"), Album("t2", "a2", "2021"), Album("t3", "a-missing", "2020-02")],
            [Track("t1", 80, "true"), Track("t2", 10), Track("t3")]);

        var summary = await _lake.RunOkAsync();
        var gold = await _lake.RowsAsync(Tables.Gold, "track_id, artist_name, track_popularity, explicit, release_date, release_date_precision, release_year, genres", "track_id");

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        Assert.Equal(3, summary.FilesProcessed);
        Assert.Equal(2 + before.Length, summary.GoldRows);
        Assert.Equal(
            ["t1 | Ana | 80 | True | 2019-05-01 | day | 2019 | [pop,dance pop]", "t2 | Bo | 10 | False | 2021-01-01 | year | 2021 | []"],
            gold.Where(r => !r.StartsWith("t0 ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RunOnce_NothingNew_CommitsNothing()
    {
        await DropAsync("d1", [Artist("a1")], [Album("t1", "a1")], [Track("t1")]);
        await _lake.RunOkAsync();

        var again = await _lake.RunOkAsync();

        Assert.Equal(RunOutcome.NothingNew, again.Outcome);
        Assert.Equal(1, again.CommittedSeq);
    }

    /// <summary>
    /// Gold already holds a row when the artist arrives, so the rebuild of an empty gold cannot hide a missing rule:
    /// only "tracks whose album row names a changed artist" makes t1 affected by a batch of artists alone.
    /// </summary>
    [Fact]
    public async Task RunOnce_LateArtist_JoinsWhenItArrives()
    {
        await DropAsync("d1", [Artist("a2", "OnTime")], [Album("t1", "a1"), Album("t2", "a2")], [Track("t1"), Track("t2")]);
        await _lake.RunOkAsync();
        Assert.Equal(["t2 | OnTime"], await _lake.RowsAsync(Tables.Gold, "track_id, artist_name", "track_id"));

        await DropAsync("d2", [Artist("a1", "Late")], [], []);
        await _lake.RunOkAsync();

        Assert.Equal(["t1 | Late", "t2 | OnTime"], await _lake.RowsAsync(Tables.Gold, "track_id, artist_name", "track_id"));
    }

    [Fact]
    public async Task RunOnce_ReleaseDateChangesYear_MovesRowToNewPartition()
    {
        await DropAsync("d1", [Artist("a1")], [Album("t1", "a1", "2001-01-01"), Album("t2", "a1", "2001-06-01")], [Track("t1"), Track("t2")]);
        await _lake.RunOkAsync();

        await DropAsync("d2", [], [Album("t1", "a1", "2005-03-03")], []);
        var summary = await _lake.RunOkAsync();

        Assert.Equal([2001, 2005], summary.Batches.Single().PartitionsRewritten);
        Assert.Equal(["t1 | 2005", "t2 | 2001"], await _lake.RowsAsync(Tables.Gold, "track_id, release_year", "track_id"));
    }

    /// <summary>
    /// A batch that touches every committed track (a re-sent snapshot) writes its rows as the whole of gold and
    /// supersedes every committed file: a partition it leaves empty is gone, and no old row is read twice.
    /// </summary>
    [Fact]
    public async Task RunOnce_DropTouchesEveryTrack_ReplacesEveryGoldFile()
    {
        await DropAsync("d1", [Artist("a1")], [Album("t1", "a1", "2001-01-01"), Album("t2", "a1", "2003-01-01")], [Track("t1", 10), Track("t2", 20)]);
        await _lake.RunOkAsync();

        await DropAsync("d2", [Artist("a1")], [Album("t1", "a1", "2005-01-01"), Album("t2", "a1", "2003-01-01")], [Track("t1", 11), Track("t2", 20)]);
        var summary = await _lake.RunOkAsync();

        Assert.Equal([2001, 2003, 2005], summary.Batches.Single().PartitionsRewritten);
        Assert.Equal(["t1 | 2005 | 11", "t2 | 2003 | 20"], await _lake.RowsAsync(Tables.Gold, "track_id, release_year, track_popularity", "track_id"));
    }

    /// <summary>
    /// A batch of more new tracks than gold holds, none of them a committed one: as many affected tracks as gold rows,
    /// yet not every committed track, so the partitions are rewritten and the committed rows stay.
    /// </summary>
    [Fact]
    public async Task RunOnce_MoreNewTracksThanGoldRows_KeepsEveryCommittedRow()
    {
        await DropAsync("d1", [Artist("a1")], [Album("t1", "a1", "2001-01-01")], [Track("t1", 10)]);
        await _lake.RunOkAsync();

        await DropAsync("d2", [], [Album("t2", "a1", "2001-06-01"), Album("t3", "a1", "2003-01-01")], [Track("t2", 20), Track("t3", 30)]);
        await _lake.RunOkAsync();

        Assert.Equal(["t1 | 2001 | 10", "t2 | 2001 | 20", "t3 | 2003 | 30"], await _lake.RowsAsync(Tables.Gold, "track_id, release_year, track_popularity", "track_id"));
    }

    /// <summary>
    /// The second batch changes one track in each of two partitions, which are rewritten by one COPY (the default
    /// runs) or one COPY each (RewriteRunRows = 1): every untouched row of both partitions stays.
    /// </summary>
    [Theory]
    [InlineData(null)]
    [InlineData(1L)]
    public async Task RunOnce_DropTouchesTwoPartitions_KeepsTheirOtherRows(long? rewriteRunRows)
    {
        using var lake = new TestLake(rewriteRunRows: rewriteRunRows);
        await lake.PutAsync("raw/artists/d1/artists.csv", File(ArtistHeader, Artist("a1")));
        await lake.PutAsync("raw/albums/d1/albums.csv", File(AlbumHeader, Album("t1", "a1", "2001-01-01"), Album("t2", "a1", "2001-06-01"), Album("t3", "a1", "2005-01-01"), Album("t4", "a1", "2005-06-01")));
        await lake.PutAsync("raw/tracks/d1/tracks.csv", File(TrackHeader, Track("t1", 10), Track("t2", 20), Track("t3", 30), Track("t4", 40)));
        await lake.RunOkAsync();

        await lake.PutAsync("raw/tracks/d2/tracks.csv", File(TrackHeader, Track("t1", 11), Track("t3", 31)));
        var summary = await lake.RunOkAsync();

        Assert.Equal([2001, 2005], summary.Batches.Single().PartitionsRewritten);
        Assert.Equal(["t1 | 2001 | 11", "t2 | 2001 | 20", "t3 | 2005 | 31", "t4 | 2005 | 40"],
            await lake.RowsAsync(Tables.Gold, "track_id, release_year, track_popularity", "track_id"));
    }

    /// <summary>
    /// Gold files are written in row groups of Pipeline:DuckDb:GoldRowGroupRows, by the first load and by a partition
    /// rewrite alike: 5,000 rows of one year come out as several row groups of at most that many rows.
    /// </summary>
    [Fact]
    public async Task RunOnce_GoldRowGroupRowsSet_CapsEveryGoldRowGroup()
    {
        _lake.DuckDb.GoldRowGroupRows = 2_048;

        var (firstLoad, rewrite) = await LoadOneYearThenRewriteAsync();

        foreach (var groups in new[] { firstLoad, rewrite })
        {
            Assert.Equal(5_000, groups.Sum());
            Assert.True(groups.Count >= 3 && groups.All(rows => rows <= 2_048), $"row groups: {string.Join(", ", groups)}");
        }
    }

    /// <summary>
    /// A small first load writes smaller row groups than GoldRowGroupRows (DuckDbOptions.FirstLoadRowGroupRows: 4,096 rows
    /// here); a partition rewrite writes row groups of up to GoldRowGroupRows again.
    /// </summary>
    [Fact]
    public async Task RunOnce_SmallFirstLoad_WritesSmallerRowGroupsThanARewrite()
    {
        var (firstLoad, rewrite) = await LoadOneYearThenRewriteAsync();

        Assert.Equal(5_000, firstLoad.Sum());
        Assert.True(firstLoad.Count >= 2 && firstLoad.All(rows => rows <= 4_096), $"first load's row groups: {string.Join(", ", firstLoad)}");
        Assert.Equal([5_000L], rewrite);
    }

    [Fact]
    public async Task RunOnce_SilverColumnsOfManyValues_WrittenWithoutDictionary()
    {
        // Albums of ten tracks each: more album names than the limit, each ten times, which DuckDB's default limit
        // writes as a dictionary.
        var ids = Enumerable.Range(0, 10 * (DuckDbTransform.LakeFileDictionaryLimit + 1_000)).Select(i => $"t{i}").ToArray();
        await DropAsync("d1", [Artist("a1")], [.. ids.Select((id, i) => Album(id, "a1", "2001-01-01", albumName: $"Album {i / 10}"))], [.. ids.Select(id => Track(id))]);

        await _lake.RunOkAsync();

        var encodings = (await _lake.ParquetMetadataAsync([Tables.Silver(Entity.Albums)], "path_in_schema, string_agg(DISTINCT encodings, ' ')", groupBy: "path_in_schema"))
            .Select(line => line.Split(" | ")).ToDictionary(parts => parts[0], parts => parts[1]);
        Assert.DoesNotContain("DICTIONARY", encodings["album_name"], StringComparison.Ordinal);
        Assert.Contains("DICTIONARY", encodings["artist_id"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunOnce_FirstLoad_SilverWrittenSnappyAndGoldZstd()
    {
        await DropAsync("d1", [Artist("a1"), ",NoId,1,[],2,,,,,,,"], [Album("t1", "a1"), Album("t2", "a1")], [Track("t1"), Track("t2")]);

        await _lake.RunOkAsync();

        // Every table has files here (the artist without an id is quarantined), so an empty answer fails as well.
        Assert.Equal(["SNAPPY"], await _lake.ParquetMetadataAsync([.. Entities.All.Select(Tables.Silver), Tables.Quarantine], "string_agg(DISTINCT compression, ' ')"));
        Assert.Equal(["ZSTD"], await _lake.ParquetMetadataAsync([Tables.Gold], "string_agg(DISTINCT compression, ' ')"));
    }

    /// <summary>A first load of 5,000 tracks of one year, then a drop that rewrites that year; the gold row groups after each.</summary>
    private async Task<(IReadOnlyList<long> FirstLoad, IReadOnlyList<long> Rewrite)> LoadOneYearThenRewriteAsync()
    {
        var ids = Enumerable.Range(0, 5_000).Select(i => $"t{i}").ToArray();
        await DropAsync("d1", [Artist("a1")], [.. ids.Select(id => Album(id, "a1", "2001-01-01"))], [.. ids.Select(id => Track(id))]);
        await _lake.RunOkAsync();
        var firstLoad = await GoldRowGroupsAsync();

        await DropAsync("d2", [], [], [Track("t1", 11)]);
        await _lake.RunOkAsync();
        return (firstLoad, await GoldRowGroupsAsync());
    }

    private async Task<IReadOnlyList<long>> GoldRowGroupsAsync()
    {
        var groups = await _lake.ParquetMetadataAsync([Tables.Gold], "row_group_num_rows", groupBy: "file_name, row_group_id, row_group_num_rows");
        return [.. groups.Select(rows => long.Parse(rows, System.Globalization.CultureInfo.InvariantCulture))];
    }

    /// <summary>a1 is decided by the file (b.csv is later in key order than a.csv); a2, twice in one file, by the row.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunOnce_LaterFileAndLaterRow_Win(bool goldCommitted)
    {
        var before = await CommitUnrelatedGoldAsync(goldCommitted);
        await _lake.PutAsync("raw/artists/d1/a.csv", File(ArtistHeader, Artist("a2", "EarlierRow"), Artist("a1", "First"), Artist("a1", "SecondInFile"), Artist("a2", "LaterRow")));
        await _lake.PutAsync("raw/artists/d1/b.csv", File(ArtistHeader, Artist("a1", "LaterFile")));
        await DropAsync("d1", [], [Album("t1", "a1"), Album("t2", "a2")], [Track("t1"), Track("t2")]);

        await _lake.RunOkAsync();

        Assert.Equal([.. before, "t1 | LaterFile", "t2 | LaterRow"], await _lake.RowsAsync(Tables.Gold, "track_id, artist_name", "track_id"));
    }

    [Fact]
    public async Task RunOnce_BadRows_QuarantinedWithLineAndGoodRowsArrive()
    {
        await DropAsync("d1",
            [Artist("a1"), ",NoId,1,[],2,,,,,,,", Artist("a2", followers: 3) .Replace(",3,", ",3x,", StringComparison.Ordinal)],
            [Album("t1", "a1"), Album("t2", "a1", "2021-13-45"), Album("t3", "a1") + ",extra"],
            [Track("t1"), Track("t2", @explicit: "yes")]);

        var summary = await _lake.RunOkAsync();
        var quarantine = await _lake.QuarantineAsync();

        Assert.Equal(["t1"], await _lake.RowsAsync(Tables.Gold, "track_id"));
        Assert.Equal(5, summary.RowsRejected);
        Assert.Collection(quarantine,
            q => Assert.StartsWith("raw/albums/d1/albums.csv | 3 | bad_date: release_date \"2021-13-45\"", q, StringComparison.Ordinal),
            q => Assert.StartsWith("raw/albums/d1/albums.csv | 4 | field_count: expected 26 fields", q, StringComparison.Ordinal),
            q => Assert.StartsWith("raw/artists/d1/artists.csv | 3 | empty_key: id is empty | ,NoId", q, StringComparison.Ordinal),
            q => Assert.StartsWith("raw/artists/d1/artists.csv | 4 | bad_number: followers \"3x\"", q, StringComparison.Ordinal),
            q => Assert.StartsWith("raw/tracks/d1/tracks.csv | 3 | bad_boolean: explicit \"yes\" is not true or false | t2,60,yes", q, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunOnce_FileMissingHeaderColumn_QuarantinedWholeAndNotRetried()
    {
        await DropAsync("d1", [Artist("a1")], [Album("t1", "a1")], [Track("t1")]);
        await _lake.PutAsync("raw/tracks/d1/broken.csv", "id,popularity\nt9,1\n");

        var first = await _lake.RunOkAsync();
        var second = await _lake.RunOkAsync();

        Assert.Equal(1, first.FilesQuarantined);
        Assert.Equal(RunOutcome.NothingNew, second.Outcome);
        Assert.Contains(await _lake.QuarantineAsync(), q => q.StartsWith("raw/tracks/d1/broken.csv | NULL | missing_columns:", StringComparison.Ordinal));
        Assert.Equal(["t1"], await _lake.RowsAsync(Tables.Gold, "track_id"));
    }

    [Fact]
    public async Task RunOnce_BatchCap_SplitsIntoSeveralCommitsInOneRun()
    {
        using var lake = new TestLake(new BatchOptions { MaxFiles = 1 });
        await lake.PutAsync("raw/albums/d1/albums.csv", File(AlbumHeader, Album("t1", "a1")));
        await lake.PutAsync("raw/artists/d1/artists.csv", File(ArtistHeader, Artist("a1")));
        await lake.PutAsync("raw/tracks/d1/tracks.csv", File(TrackHeader, Track("t1")));

        var summary = await lake.RunOkAsync();

        Assert.Equal(3, summary.Batches.Count);
        Assert.Equal(["t1"], await lake.RowsAsync(Tables.Gold, "track_id"));
    }

    [Fact]
    public async Task Plan_NewFiles_ListsBatchesAndWritesNothing()
    {
        await DropAsync("d1", [Artist("a1")], [Album("t1", "a1")], [Track("t1")]);
        await _lake.PutAsync("raw/readme.txt", "not an input");

        var plan = await _lake.Runner.PlanAsync(TestContext.Current.CancellationToken);

        Assert.Equal(3, plan.Batches.Single().Files.Count);
        Assert.Equal(["raw/readme.txt"], plan.Ignored.Select(n => n.Object.Key));
        Assert.Equal(0, (await _lake.Log.LoadAsync(TestContext.Current.CancellationToken)).Seq);
        Assert.False(Directory.Exists(Path.Combine(_lake.Root, "_pipeline", "log")));
    }
}
