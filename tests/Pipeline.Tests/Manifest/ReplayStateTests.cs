using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Pipeline.Transform;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Manifest;

/// <summary>The replay a reprocess after compaction leaves pending, as the manifest folds and checkpoints it.</summary>
public sealed class ReplayStateTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    private CommitLog Log(int checkpointInterval) =>
        new(new LocalObjectStore(_dir.Path), Options.Create(new ManifestOptions { CheckpointInterval = checkpointInterval }), NullLogger<CommitLog>.Instance);

    private static RawFileRecord Raw(string key, long batch) => new(key, "e-" + key, 1, DateTimeOffset.UnixEpoch, Entity.Tracks, batch, 1, 0, FileOutcome.Processed, null);

    private static CommitEntry Batch(long seq, params RawFileRecord[] files) =>
        new(seq, Guid.NewGuid().ToString("N"), "run", DateTimeOffset.UnixEpoch, files, [], [], new BatchStats(0, 0, 0, 0, [], 0));

    private static readonly IReadOnlyList<IReadOnlyList<FileVersion>> Groups =
    [
        [Raw("raw/tracks/a.csv", 1).Version, Raw("raw/tracks/b.csv", 1).Version],
        [Raw("raw/tracks/c.csv", 2).Version],
        [Raw("raw/tracks/d.csv", 3).Version],
    ];

    private static CommitEntry Reprocess(long seq, IReadOnlyList<IReadOnlyList<FileVersion>> replay) =>
        new(seq, Guid.NewGuid().ToString("N"), "run", DateTimeOffset.UnixEpoch, [], [], [], new BatchStats(0, 0, 0, 0, [], 0))
        {
            Kind = CommitKind.Reprocess,
            Replay = replay,
        };

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public async Task Load_ReprocessWithReplayThenOneReplayedBatch_OtherGroupsStillPending(int checkpointInterval)
    {
        var log = Log(checkpointInterval);
        var state = await log.CommitAsync(ManifestState.Empty, Reprocess(1, Groups), Ct);
        state = await log.CommitAsync(state, Batch(2, Raw("raw/tracks/a.csv", 2), Raw("raw/tracks/b.csv", 2)), Ct);

        var loaded = await Log(checkpointInterval).LoadAsync(Ct);

        Assert.Equal(Groups.Skip(1), loaded.PendingReplay());
        Assert.Equal(state.PendingReplay(), loaded.PendingReplay());
    }

    [Fact]
    public void Apply_GroupSkippedForMissingFileThenLaterGroupReplayed_DropsBoth()
    {
        var state = ManifestState.Empty.Apply(Reprocess(1, Groups)).Apply(Batch(2, Raw("raw/tracks/c.csv", 2)));

        Assert.Equal(Groups.Skip(2), state.PendingReplay());
    }

    [Fact]
    public void Apply_BatchOfOtherFiles_EndsTheReplay()
    {
        var state = ManifestState.Empty.Apply(Reprocess(1, Groups)).Apply(Batch(2, Raw("raw/tracks/z.csv", 2)));

        Assert.Empty(state.PendingReplay());
        Assert.Empty(state.Replay);
    }

    [Fact]
    public void Apply_LaterReprocess_ReplacesThePendingReplay()
    {
        var state = ManifestState.Empty.Apply(Reprocess(1, Groups)).Apply(Reprocess(2, []));

        Assert.Empty(state.PendingReplay());
    }

    [Fact]
    public void Apply_CompactionAfterReprocess_KeepsThePendingReplay()
    {
        var compaction = new CommitEntry(2, "c", "run", DateTimeOffset.UnixEpoch, [], [], [], new BatchStats(0, 0, 0, 0, [], 0)) { Kind = CommitKind.Compaction };

        Assert.Equal(Groups, ManifestState.Empty.Apply(Reprocess(1, Groups)).Apply(compaction).PendingReplay());
    }
}
