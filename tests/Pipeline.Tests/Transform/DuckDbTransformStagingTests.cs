using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;
using static SpotifyWorker.Pipeline.Tests.TestSupport.Csv;

namespace SpotifyWorker.Pipeline.Tests.Transform;

/// <summary>
/// Staging runs beside SQL validation (an entity is validated as soon as its files are staged), so a raw file that
/// cannot be read fails the batch after other entities' silver files were already written.
/// </summary>
public sealed class DuckDbTransformStagingTests : IDisposable
{
    private const string AlbumsKey = "raw/albums/d/albums.csv";
    private readonly UnreadableStore _raw;
    private readonly SilverWrites _silverWrites = new();
    private readonly TestLake _lake;

    public DuckDbTransformStagingTests()
    {
        UnreadableStore? raw = null;
        _lake = new TestLake(faults: _silverWrites, raw: inner => raw = new UnreadableStore(inner, AlbumsKey));
        _raw = raw!;
    }

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task ExecuteAsync_LargestFileUnreadableAfterOthersValidated_FailsAndLeavesNothing()
    {
        await PutDropAsync();
        _raw.Broken = true;

        var summary = await _lake.RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(RunOutcome.Failed, summary.Outcome);
        Assert.Contains(AlbumsKey, summary.Error, StringComparison.Ordinal);
        Assert.Equal(2, _silverWrites.Count); // artists and tracks were validated into silver before albums failed
        Assert.Empty(await _lake.DataFilesOnDiskAsync());
        var scratch = Path.Combine(_lake.Root, "_pipeline", "tmp", "duckdb");
        Assert.True(!Directory.Exists(scratch) || Directory.GetFileSystemEntries(scratch).Length == 0, "the batch's staging folder was left behind");
    }

    [Fact]
    public async Task ExecuteAsync_UnreadableFileReadableAgain_NextRunLoadsEverything()
    {
        await PutDropAsync();
        _raw.Broken = true;
        await _lake.RunAsync(TestContext.Current.CancellationToken);

        _raw.Broken = false;
        var summary = await _lake.RunOkAsync();

        Assert.Equal(3, summary.FilesProcessed);
        Assert.Equal(200, (await _lake.GoldAsync()).Count);
    }

    private async Task PutDropAsync()
    {
        // albums is the largest file by far, so it is staged last, after artists and tracks were validated.
        await _lake.PutAsync("raw/artists/d/artists.csv", File(ArtistHeader, Artist("a1")));
        await _lake.PutAsync("raw/tracks/d/tracks.csv", File(TrackHeader, [.. Enumerable.Range(0, 200).Select(i => Track($"t{i}"))]));
        await _lake.PutAsync(AlbumsKey, File(AlbumHeader, [.. Enumerable.Range(0, 200).Select(i => Album($"t{i}", "a1", albumName: new string('x', 200)))]));
    }

    /// <summary>Reads of one key fail while <see cref="Broken"/> is set, as a disk or network error would.</summary>
    private sealed class UnreadableStore(IObjectStore inner, string key) : DelegatingStore(inner)
    {
        public bool Broken { get; set; }

        public override Task<Stream> OpenReadAsync(string key1, CancellationToken cancellationToken) =>
            Broken && key1 == key ? throw new IOException($"read of {key} failed: input/output error") : Inner.OpenReadAsync(key1, cancellationToken);
    }

    private sealed class SilverWrites : IFaultInjector
    {
        private int _count;

        public int Count => _count;

        public ValueTask AtAsync(FaultPoint point, CancellationToken cancellationToken)
        {
            if (point == FaultPoint.AfterSilverWrite) Interlocked.Increment(ref _count);
            return ValueTask.CompletedTask;
        }
    }
}
