using DuckDB.NET.Data;
using SpotifyWorker.Pipeline.Catalog;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Query;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Pipeline.Transform;
using Xunit;
using static SpotifyWorker.Pipeline.Tests.Query.QueryTestSupport;

namespace SpotifyWorker.Pipeline.Tests.Query;

public sealed class DuckDbQueryEngineTests : IDisposable
{
    private readonly ParquetLake _lake = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task Query_UncommittedAndSupersededFilesInSameFolder_AreNotRead()
    {
        var superseded = _lake.Gold(2000, new GoldRow("old", "a1", "x1", 2000));
        var live = _lake.Gold(2000, new GoldRow("t1", "a1", "x1", 2000), new GoldRow("t2", "a1", "x1", 2000));
        _lake.Gold(2000, new GoldRow("uncommitted", "a1", "x1", 2000));
        _lake.Gold(2005, new GoldRow("uncommitted", "a1", "x1", 2005));
        Assert.NotEqual(superseded.Key, live.Key);

        var result = await Engine(_lake).QueryAsync(ParquetLake.State(2, live), "SELECT track_id, release_year FROM spotify_tracks ORDER BY track_id", Ct);

        Assert.Equal(["t1|2000", "t2|2000"], Text(result));
    }

    [Fact]
    public async Task Query_WithoutState_ReadsWhatTheCommitLogHolds()
    {
        var file = _lake.Gold(2001, new GoldRow("t1", "a1", "x1", 2001));
        _lake.Gold(2001, new GoldRow("uncommitted", "a1", "x1", 2001));
        var entry = new CommitEntry(1, "c1", "run", DateTimeOffset.UnixEpoch, [], [file], [], new BatchStats(1, 0, 1, 1, [2001], 0));
        await Log(_lake).CommitAsync(ManifestState.Empty, entry, Ct);

        var result = await Engine(_lake).QueryAsync("SELECT count(*), min(release_year) FROM spotify_tracks", Ct);

        Assert.Equal(["1|2001"], Text(result));
    }

    public static TheoryData<string> TableAndViewNames => [.. LakeTable.All.Select(t => t.Name), .. AnalyticsViews.All.Select(v => v.Name)];

    [Theory]
    [MemberData(nameof(TableAndViewNames))]
    public async Task Query_EmptyLake_RelationIsEmptyWithItsColumns(string name)
    {
        var engine = Engine(_lake);

        var result = await engine.QueryAsync($"SELECT * FROM {name}", Ct);
        var described = await engine.QueryAsync($"SELECT column_name, column_type FROM (DESCRIBE {name})", Ct);

        Assert.Empty(result.Rows);
        var table = LakeTable.All.SingleOrDefault(t => t.Name == name);
        if (table is null) Assert.NotEmpty(result.Columns);
        else Assert.Equal(table.Columns.Select(c => $"{c.Name}|{c.Type}"), Text(described));
    }

    [Fact]
    public async Task Query_QuarantineAndSilver_ReadCommittedFilesWithoutBatchFolderColumn()
    {
        var quarantine = _lake.Write(LakeLayout.Quarantine(Entity.Tracks, 3), Tables.Quarantine,
            "SELECT 'tracks' AS entity, 'raw/tracks/a.csv' AS source_key, CAST(7 AS BIGINT) AS line, 'bad_number: x' AS reason, 'a,b' AS raw_line, CAST(3 AS BIGINT) AS batch " +
            "UNION ALL SELECT 'tracks', 'raw/tracks/b.csv', NULL, 'not_csv: binary', NULL, 3");
        var silver = _lake.Write(LakeLayout.Silver(Entity.Tracks, 3), Tables.Silver(Entity.Tracks),
            "SELECT CAST(3 AS BIGINT) AS _batch, CAST(0 AS INTEGER) AS _file_ord, CAST(2 AS BIGINT) AS _line, CAST(1 AS BIGINT) AS _row, " +
            "'raw/tracks/a.csv' AS _source_key, 't1' AS id, CAST(5 AS INTEGER) AS track_popularity, true AS explicit");
        var state = ParquetLake.State(3, quarantine, silver);
        var engine = Engine(_lake);

        var rejects = await engine.QueryAsync(state, "SELECT * FROM quarantine ORDER BY source_key", Ct);
        var tracks = await engine.QueryAsync(state, "SELECT * FROM silver_tracks", Ct);

        Assert.Equal(["entity", "source_key", "line", "reason", "raw_line", "batch"], rejects.Columns.Select(c => c.Name));
        Assert.Equal(["tracks|raw/tracks/a.csv|7|bad_number: x|a,b|3", "tracks|raw/tracks/b.csv|NULL|not_csv: binary|NULL|3"], Text(rejects));
        Assert.Equal(LakeTable.SilverTracks.Columns.Select(c => c.Name), tracks.Columns.Select(c => c.Name));
        Assert.Single(tracks.Rows);
    }

    [Fact]
    public async Task RefreshViews_CommittedState_WritesDatabaseThatAnswersReadOnly()
    {
        var state = WriteFixture(_lake);

        await Engine(_lake).RefreshViewsAsync(state, Ct);

        var path = _lake.Store.PathOf(DuckDbQueryEngine.AnalyticsDatabaseKey);
        using (var db = new DuckDBConnection($"DataSource={path};ACCESS_MODE=READ_ONLY"))
        {
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = "SELECT (SELECT count(*) FROM spotify_tracks), (SELECT artist_name FROM top_artists_by_followers WHERE follower_rank = 1), (SELECT count(*) FROM quarantine)";
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read());
            Assert.Equal(6L, reader.GetInt64(0));
            Assert.Equal("Alpha", reader.GetString(1));
            Assert.Equal(0L, reader.GetInt64(2));
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(_lake.Store.PathOf("_pipeline/tmp")));
    }

    [Fact]
    public async Task RefreshViews_NewState_ReplacesDatabase()
    {
        var engine = Engine(_lake);
        await engine.RefreshViewsAsync(WriteFixture(_lake), Ct);

        await engine.RefreshViewsAsync(ParquetLake.State(2, _lake.Gold(2010, new GoldRow("n1", "a1", "x1", 2010))), Ct);

        using var db = new DuckDBConnection($"DataSource={_lake.Store.PathOf(DuckDbQueryEngine.AnalyticsDatabaseKey)};ACCESS_MODE=READ_ONLY");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT string_agg(track_id) FROM spotify_tracks";
        Assert.Equal("n1", command.ExecuteScalar());
    }

    [Fact]
    public async Task RefreshViews_BrokenViewSql_FailsNamingTheViewAndKeepsPreviousDatabase()
    {
        var state = WriteFixture(_lake);
        await Engine(_lake).RefreshViewsAsync(state, Ct);
        var path = _lake.Store.PathOf(DuckDbQueryEngine.AnalyticsDatabaseKey);
        var before = await File.ReadAllBytesAsync(path, Ct);
        ViewDefinition[] broken = [.. AnalyticsViews.All, new("broken_view", "CREATE OR REPLACE VIEW broken_view AS SELECT no_such_column FROM spotify_tracks")];

        var error = await Assert.ThrowsAsync<ViewRefreshException>(() => Engine(_lake, broken).RefreshViewsAsync(state, Ct));

        Assert.Equal("broken_view", error.View);
        Assert.Contains("broken_view", error.Message, StringComparison.Ordinal);
        Assert.Contains("no_such_column", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(path, Ct));
        Assert.Empty(Directory.EnumerateFiles(_lake.Store.PathOf("_pipeline/tmp")));
    }

    [Fact]
    public async Task RefreshViews_CommittedFileNotParquet_FailsNamingTheTable()
    {
        var key = LakeLayout.Gold(2000, "part-corrupt.parquet");
        await using (var junk = new MemoryStream("not parquet at all"u8.ToArray()))
        {
            await _lake.Store.PutAsync(key, junk, Ct);
        }

        var error = await Assert.ThrowsAsync<ViewRefreshException>(() =>
            Engine(_lake).RefreshViewsAsync(ParquetLake.State(1, new DataFile(key, Tables.Gold, 1, 18, 2000)), Ct));

        Assert.Equal("spotify_tracks", error.View);
    }
}
