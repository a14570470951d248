using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SpotifyWorker.Pipeline.Catalog;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Pipeline.Transform;
using Xunit;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace SpotifyWorker.Pipeline.Tests.Catalog;

/// <summary>
/// The catalog gives an empty table its declared columns; if they drifted from what the transform writes,
/// the first real commit would log a spurious schema change. One tiny batch through the real transform guards that.
/// </summary>
public sealed class DeclaredSchemaTests : IDisposable
{
    private readonly ParquetLake _lake = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task Refresh_AfterFirstTransformedBatch_ReportsNoSchemaChange()
    {
        var files = new List<BatchFile>();
        await RawAsync(files, Entity.Artists, "id,name,artist_popularity,followers,genre_0,genre_1,genre_2,genre_3,genre_4,genre_5,genre_6\na1,Alpha,80,1000,rock,pop,,,,,\n");
        await RawAsync(files, Entity.Albums,
            "track_name,track_id,track_number,duration_ms,album_type,total_tracks,album_name,release_date,label,album_popularity,album_id,artist_id\n" +
            "Song,t1,1,200000,album,10,Record,2001-05-01,L1,70,x1,a1\nBad,t2,x,1,album,10,Record,2001,L1,70,x1,a1\n");
        await RawAsync(files, Entity.Tracks, "id,track_popularity,explicit\nt1,50,true\n");
        var transform = new DuckDbTransform(_lake.Stores, MsOptions.Create(ParquetLake.Options), NoFaults.Instance, NoProgress.Instance, NullLogger<DuckDbTransform>.Instance);
        var output = await transform.ExecuteAsync(new BatchWork(1, "run", files, ManifestState.Empty, NoLease.Instance), Ct);
        var catalog = new LocalCatalog(_lake.Stores, MsOptions.Create(ParquetLake.Options), new FakeTimeProvider(), NullLogger<LocalCatalog>.Instance);
        await catalog.RefreshAsync(ManifestState.Empty, Ct);

        var refresh = await catalog.RefreshAsync(ParquetLake.State(1, [.. output.Added]), Ct);

        // Every table got a file, so every declared schema was compared with a real one.
        Assert.Equal(LakeTable.All.Select(t => t.Name).Order(), output.Added.Select(f => f.Table).Distinct().Order());
        Assert.Empty(refresh.Changes);
    }

    private async Task RawAsync(List<BatchFile> files, Entity entity, string csv)
    {
        var key = $"raw/{entity.Name()}/part.csv";
        await using var content = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv));
        var info = await _lake.Store.PutAsync(key, content, Ct);
        files.Add(new BatchFile(key, info.ETag, info.Size, info.LastModified, entity, files.Count));
    }
}
