using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.Reliability;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;
using static SpotifyWorker.Pipeline.Tests.TestSupport.Csv;

namespace SpotifyWorker.Pipeline.Tests.Worker;

/// <summary>The <c>compact</c> verb through the real command line and host.</summary>
public sealed class CompactCommandTests : IDisposable
{
    private readonly TempDirectory _lake = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task Compact_AfterTwoRuns_CommitsOneBasePerEntityThenFindsNothingToDo()
    {
        var store = new LocalObjectStore(_lake.Path);
        await store.PutAsync("raw/artists/d1/a.csv", new MemoryStream(System.Text.Encoding.UTF8.GetBytes(File(ArtistHeader, Artist("a1", "Ana")))), Ct);
        await store.PutAsync("raw/tracks/d1/a.csv", new MemoryStream(System.Text.Encoding.UTF8.GetBytes(File(TrackHeader, Track("t1")))), Ct);
        await WorkerCliRun.OkAsync(_lake.Path, "run-once");
        await store.PutAsync("raw/artists/d2/a.csv", new MemoryStream(System.Text.Encoding.UTF8.GetBytes(File(ArtistHeader, Artist("a1", "Ana two")))), Ct);
        await WorkerCliRun.OkAsync(_lake.Path, "run-once");

        var first = await WorkerCliRun.OkAsync(_lake.Path, "compact");
        var second = await WorkerCliRun.OkAsync(_lake.Path, "compact");

        Assert.Contains("Committed 3: 2 silver bases with 2 current rows replace 3 files", first, StringComparison.Ordinal);
        Assert.Contains("Silver is already compact", second, StringComparison.Ordinal);
        var state = await LakeInspector.StateAsync(_lake.Path);
        Assert.Equal(3, state.Seq);
        Assert.Equal(2, Assert.Single(state.FilesOf(Tables.Silver(Pipeline.Transform.Entity.Artists))).ToBatch);
        Assert.Equal(1, Assert.Single(state.FilesOf(Tables.Silver(Pipeline.Transform.Entity.Tracks))).ToBatch);
        Assert.All(state.LiveFiles.Keys.Where(k => k.StartsWith(LakeLayout.SilverPrefix, StringComparison.Ordinal)), k => Assert.Contains("/compact=3/", k, StringComparison.Ordinal));
    }
}
