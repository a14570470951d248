using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SpotifyWorker.Pipeline.Catalog;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Pipeline.Transform;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Catalog;

public sealed class LocalCatalogTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2024, 5, 6, 2, 0, 0, TimeSpan.Zero);
    private readonly ParquetLake _lake = new();
    private readonly FakeTimeProvider _time = new(Now);
    private readonly ListLogger<LocalCatalog> _logger = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _lake.Dispose();

    private LocalCatalog Catalog() => new(_lake.Stores, Microsoft.Extensions.Options.Options.Create(ParquetLake.Options), _time, _logger);

    private async Task<CatalogTable> TableAsync(string name) =>
        (await LocalCatalog.ReadAsync(_lake.Store, Ct))!.Tables.Single(t => t.Name == name);

    private static string Describe(SchemaChange c) =>
        $"{c.Table} v{c.Version} +[{string.Join(",", c.Added)}] ~[{string.Join(",", c.Changed)}] -[{string.Join(",", c.Removed)}]";

    private DataFile SilverArtists(long batch, string extraColumns = "") => _lake.Write(
        LakeLayout.Silver(Entity.Artists, batch),
        Tables.Silver(Entity.Artists),
        $"SELECT CAST({batch} AS BIGINT) AS _batch, CAST(0 AS INTEGER) AS _file_ord, CAST(2 AS BIGINT) AS _line, CAST(1 AS BIGINT) AS _row, " +
        $"'raw/artists/a.csv' AS _source_key, 'a1' AS id, 'Alpha' AS name, CAST(80 AS INTEGER) AS artist_popularity, " +
        $"CAST(1000 AS BIGINT) AS followers, ['rock'] AS genres{extraColumns}");

    [Fact]
    public async Task Refresh_CommittedFiles_RecordsColumnsPartitionsAndCounts()
    {
        var a = _lake.Gold(2000, new GoldRow("t1", "a1", "x1", 2000), new GoldRow("t2", "a1", "x1", 2000));
        var b = _lake.Gold(1999, new GoldRow("t3", "a1", "x2", 1999));
        var state = ParquetLake.State(7, a, b);

        var refresh = await Catalog().RefreshAsync(state, Ct);

        Assert.Equal(["spotify_tracks", "silver_artists", "silver_albums", "silver_tracks", "quarantine"], refresh.Tables);
        Assert.Empty(refresh.Changes);
        var document = (await LocalCatalog.ReadAsync(_lake.Store, Ct))!;
        Assert.Equal(7, document.Seq);
        Assert.Equal(Now, document.RefreshedAt);
        var gold = document.Tables.Single(t => t.Name == "spotify_tracks");
        Assert.Equal("gold/spotify_tracks/", gold.Location);
        Assert.Equal("parquet", gold.Format);
        Assert.Equal(LakeTable.Gold.Columns, gold.Columns);
        Assert.Contains(new TableColumn("genres", "VARCHAR[]"), gold.Columns);
        Assert.Equal(new TableColumn("release_year", "INTEGER"), gold.Columns[^1]);
        Assert.Equal(["release_year"], gold.PartitionKeys);
        Assert.Equal(["1999", "2000"], gold.PartitionValues);
        Assert.Equal(3, gold.RowCount);
        Assert.Equal(2, gold.FileCount);
        Assert.Equal(1, gold.SchemaVersion);
        var version = Assert.Single(gold.SchemaHistory);
        Assert.Equal((1, 7L), (version.Version, version.Seq));
        Assert.Equal(gold.Columns, version.Columns);
    }

    [Fact]
    public async Task Refresh_TableWithoutFiles_RecordsDeclaredColumnsAndNoPartitions()
    {
        await Catalog().RefreshAsync(ManifestState.Empty, Ct);

        var quarantine = await TableAsync("quarantine");
        Assert.Equal(["entity", "source_key", "line", "reason", "raw_line", "batch"], quarantine.Columns.Select(c => c.Name));
        Assert.Equal(new TableColumn("line", "BIGINT"), quarantine.Columns[2]);
        Assert.Empty(quarantine.PartitionKeys);
        Assert.Empty(quarantine.PartitionValues);
        Assert.Equal(0, quarantine.RowCount);
        Assert.Equal(0, quarantine.FileCount);
        Assert.Equal(1, quarantine.SchemaVersion);
        Assert.Empty((await TableAsync("spotify_tracks")).PartitionValues);
    }

    [Fact]
    public async Task Refresh_SilverFiles_DoNotTurnBatchFoldersIntoColumns()
    {
        await Catalog().RefreshAsync(ParquetLake.State(1, SilverArtists(1)), Ct);

        var artists = await TableAsync("silver_artists");
        Assert.Equal(LakeTable.SilverArtists.Columns, artists.Columns);
        Assert.Equal("silver/artists/", artists.Location);
        Assert.Equal(1, artists.RowCount);
    }

    [Fact]
    public async Task Refresh_NothingChanged_KeepsSchemaVersion()
    {
        var catalog = Catalog();
        var first = _lake.Gold(2000, new GoldRow("t1", "a1", "x1", 2000));
        await catalog.RefreshAsync(ParquetLake.State(1, first), Ct);
        var second = _lake.Gold(2001, new GoldRow("t2", "a1", "x2", 2001));
        _time.Advance(TimeSpan.FromDays(1));

        var refresh = await catalog.RefreshAsync(ParquetLake.State(2, first, second), Ct);

        Assert.Empty(refresh.Changes);
        var gold = await TableAsync("spotify_tracks");
        Assert.Equal(1, gold.SchemaVersion);
        Assert.Equal(1, Assert.Single(gold.SchemaHistory).Seq);
        Assert.Equal(["2000", "2001"], gold.PartitionValues);
        Assert.Equal(2, gold.FileCount);
        var document = (await LocalCatalog.ReadAsync(_lake.Store, Ct))!;
        Assert.Equal(2, document.Seq);
        Assert.Equal(Now.AddDays(1), document.RefreshedAt);
        Assert.DoesNotContain(_logger.Events, e => e.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task Refresh_AddedColumn_RecordsNewVersionAndLogsWarning()
    {
        var catalog = Catalog();
        var first = SilverArtists(1);
        await catalog.RefreshAsync(ParquetLake.State(1, first), Ct);

        var refresh = await catalog.RefreshAsync(ParquetLake.State(2, first, SilverArtists(2, ", 'us' AS country")), Ct);

        Assert.Equal("silver_artists v2 +[country] ~[] -[]", Describe(Assert.Single(refresh.Changes)));
        var artists = await TableAsync("silver_artists");
        Assert.Equal(2, artists.SchemaVersion);
        Assert.Equal([1, 2], artists.SchemaHistory.Select(v => v.Version));
        Assert.Equal([1L, 2L], artists.SchemaHistory.Select(v => v.Seq));
        Assert.Contains(new TableColumn("country", "VARCHAR"), artists.Columns);
        Assert.DoesNotContain(new TableColumn("country", "VARCHAR"), artists.SchemaHistory[0].Columns);
        var warning = Assert.Single(_logger.Events, e => e.Level == LogLevel.Warning);
        Assert.Contains("silver_artists", warning.Message, StringComparison.Ordinal);
        Assert.Contains("country VARCHAR", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_ChangedColumnType_RecordsNewVersion()
    {
        var catalog = Catalog();
        var before = _lake.Gold(2000, new GoldRow("t1", "a1", "x1", 2000));
        await catalog.RefreshAsync(ParquetLake.State(1, before), Ct);
        // The partition is rewritten with duration_ms as BIGINT; the old file is superseded.
        var after = _lake.Write(
            LakeLayout.Gold(2000, "part-wide.parquet"), Tables.Gold,
            $"SELECT * REPLACE (CAST(duration_ms AS BIGINT) AS duration_ms) FROM ({GoldRow.Select([new GoldRow("t1", "a1", "x1", 2000)])})", 2000);

        var refresh = await catalog.RefreshAsync(ParquetLake.State(2, after), Ct);

        Assert.Equal("spotify_tracks v2 +[] ~[duration_ms] -[]", Describe(Assert.Single(refresh.Changes)));
        var gold = await TableAsync("spotify_tracks");
        Assert.Equal(new TableColumn("duration_ms", "BIGINT"), gold.Columns.Single(c => c.Name == "duration_ms"));
        Assert.Equal(new TableColumn("duration_ms", "INTEGER"), gold.SchemaHistory[0].Columns.Single(c => c.Name == "duration_ms"));
        Assert.Contains(_logger.Events, e => e.Level == LogLevel.Warning && e.Message.Contains("duration_ms INTEGER -> BIGINT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refresh_RemovedColumn_RecordsNewVersion()
    {
        var catalog = Catalog();
        var first = SilverArtists(1, ", 'us' AS country");
        await catalog.RefreshAsync(ParquetLake.State(1, first), Ct);

        var refresh = await catalog.RefreshAsync(ParquetLake.State(2, SilverArtists(2)), Ct);

        Assert.Equal("silver_artists v2 +[] ~[] -[country]", Describe(Assert.Single(refresh.Changes)));
        Assert.Equal(2, (await TableAsync("silver_artists")).SchemaVersion);
    }

    [Fact]
    public async Task Refresh_UnreadableCatalog_IsRebuilt()
    {
        await using (var junk = new MemoryStream("{ not json"u8.ToArray()))
        {
            await _lake.Store.PutAsync(LocalCatalog.CatalogKey, junk, Ct);
        }

        var refresh = await Catalog().RefreshAsync(ManifestState.Empty, Ct);

        Assert.Empty(refresh.Changes);
        Assert.Equal(1, (await TableAsync("spotify_tracks")).SchemaVersion);
        Assert.Contains(_logger.Events, e => e.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task Read_BeforeFirstRefresh_ReturnsNull()
    {
        Assert.Null(await LocalCatalog.ReadAsync(_lake.Store, Ct));
    }
}
