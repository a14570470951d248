using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Pipeline.Transform;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Manifest;

public sealed class CommitLogTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly LocalObjectStore _store;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public CommitLogTests() => _store = new LocalObjectStore(_dir.Path);

    public void Dispose() => _dir.Dispose();

    private CommitLog Log(int checkpointInterval = 3) =>
        new(_store, Options.Create(new ManifestOptions { CheckpointInterval = checkpointInterval }), NullLogger<CommitLog>.Instance);

    internal static CommitEntry Entry(long seq, string? commitId = null, string[]? removed = null) => new(
        seq,
        commitId ?? Guid.NewGuid().ToString("N"),
        "run",
        DateTimeOffset.UnixEpoch.AddDays(seq),
        [new RawFileRecord($"raw/tracks/{seq}.csv", $"etag{seq}", 10, DateTimeOffset.UnixEpoch, Entity.Tracks, seq, 5, 1, FileOutcome.Processed, null)],
        [new DataFile($"gold/spotify_tracks/release_year=2000/part-{seq}.parquet", Tables.Gold, 4, 100, 2000)],
        removed ?? [],
        new BatchStats(5, 1, 4, 4, [2000], 0.1));

    [Fact]
    public async Task Load_AfterCommits_FoldsAddedAndRemovedFiles()
    {
        var log = Log();
        var state = ManifestState.Empty;
        state = await log.CommitAsync(state, Entry(1), Ct);
        state = await log.CommitAsync(state, Entry(2, removed: ["gold/spotify_tracks/release_year=2000/part-1.parquet"]), Ct);

        var loaded = await Log().LoadAsync(Ct);

        Assert.Equal(2, loaded.Seq);
        Assert.True(loaded.Contains("raw/tracks/1.csv", "etag1"));
        Assert.Equal(["gold/spotify_tracks/release_year=2000/part-2.parquet"], loaded.LiveFiles.Keys);
        Assert.Equal(state.LiveFiles.Keys, loaded.LiveFiles.Keys);
    }

    [Fact]
    public async Task Commit_SameSeqByOtherWriter_ThrowsConflict()
    {
        await Log().CommitAsync(ManifestState.Empty, Entry(1), Ct);

        await Assert.ThrowsAsync<CommitConflictException>(() => Log().CommitAsync(ManifestState.Empty, Entry(1), Ct));
    }

    [Fact]
    public async Task Commit_RetryOfOwnCommitAfterLostResponse_Succeeds()
    {
        var entry = Entry(1, commitId: "mine");
        await Log().CommitAsync(ManifestState.Empty, entry, Ct);

        var state = await Log().CommitAsync(ManifestState.Empty, entry, Ct);

        Assert.Equal(1, state.Seq);
    }

    [Fact]
    public async Task Load_WithCheckpoint_ReadsOnlyEntriesAfterIt()
    {
        var log = Log(checkpointInterval: 2);
        var state = ManifestState.Empty;
        for (var seq = 1; seq <= 5; seq++) state = await log.CommitAsync(state, Entry(seq), Ct);

        // Entries before the checkpoint are no longer needed to load: remove them to prove it.
        for (var seq = 1; seq <= 4; seq++) await _store.DeleteAsync(CommitLog.LogKey(seq), Ct);
        var loaded = await Log().LoadAsync(Ct);

        Assert.Equal(5, loaded.Seq);
        Assert.Equal(state.Files.Keys.ToHashSet(), loaded.Files.Keys.ToHashSet());
        Assert.Equal(state.LiveFiles.Keys, loaded.LiveFiles.Keys);
    }

    [Fact]
    public async Task Load_TornEntry_FailsNamingFile()
    {
        await Log().CommitAsync(ManifestState.Empty, Entry(1), Ct);
        await File.WriteAllTextAsync(_store.PathOf(CommitLog.LogKey(2)), "{ not json", Ct);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Log().LoadAsync(Ct));
        Assert.Contains(CommitLog.LogKey(2), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_GapInSequence_Throws() =>
        Assert.Throws<InvalidOperationException>(() => ManifestState.Empty.Apply(Entry(2)));
}
