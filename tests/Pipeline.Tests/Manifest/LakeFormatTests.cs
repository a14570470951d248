using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Manifest;

public sealed class LakeFormatTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly LocalObjectStore _store;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public LakeFormatTests() => _store = new LocalObjectStore(_dir.Path);

    public void Dispose() => _dir.Dispose();

    private CommitLog Log(int checkpointInterval = 20) =>
        new(_store, Options.Create(new ManifestOptions { CheckpointInterval = checkpointInterval }), NullLogger<CommitLog>.Instance);

    /// <summary>An entry as release e076a25 wrote it: no kind, no format (put as is, past CommitAsync).</summary>
    private async Task<ManifestState> WriteFormatOneAsync(ManifestState state, long seq)
    {
        var entry = CommitLogTests.Entry(seq);
        using var content = StoreJson.Serialize(entry);
        await _store.PutIfAbsentAsync(CommitLog.LogKey(seq), content, Ct);
        return state.Apply(entry);
    }

    private static CommitEntry Upgrade(long seq, int format) => CommitLogTests.Entry(seq) with { Files = [], Added = [], Kind = CommitKind.Upgrade, Format = format };

    [Fact]
    public async Task Commit_FirstEntryOfNewLake_CarriesTheCurrentFormat()
    {
        var log = Log();

        var first = await log.CommitAsync(ManifestState.Empty, CommitLogTests.Entry(1), Ct);
        await log.CommitAsync(first, CommitLogTests.Entry(2), Ct);

        Assert.Equal(LakeFormat.Current, (await _store.ReadJsonAsync<CommitEntry>(CommitLog.LogKey(1), Ct)).Format);
        Assert.Null((await _store.ReadJsonAsync<CommitEntry>(CommitLog.LogKey(2), Ct)).Format);
        Assert.Equal(LakeFormat.Current, (await log.LoadAsync(Ct)).Format);
        Assert.Equal(LakeFormat.Current, await LakeFormat.ReadAsync(_store, Ct));
    }

    [Fact]
    public async Task Load_FixtureOfReleaseE076a25_IsFormatOne()
    {
        LakeFixture.CopyTo(LakeFixture.Format1, _dir.Path);

        var state = await Log().LoadAsync(Ct);

        Assert.Equal((11L, LakeFormat.Unversioned), (state.Seq, state.Format));
        Assert.Equal(LakeFormat.Unversioned, await LakeFormat.ReadAsync(_store, Ct));
    }

    [Fact]
    public async Task Load_FromCheckpointAfterAnUpgrade_KeepsTheFormat()
    {
        var log = Log(checkpointInterval: 3);
        var state = await WriteFormatOneAsync(ManifestState.Empty, 1);
        state = await WriteFormatOneAsync(state, 2);
        Assert.Equal(LakeFormat.Unversioned, state.Format);
        state = await log.CommitAsync(state, Upgrade(3, LakeFormat.Current), Ct); // checkpoint 3
        await log.CommitAsync(state, CommitLogTests.Entry(4), Ct);
        // Only the checkpoint can tell the format now.
        for (var seq = 1; seq <= 3; seq++) await _store.DeleteAsync(CommitLog.LogKey(seq), Ct);

        var loaded = await log.LoadAsync(Ct);

        Assert.Equal((4L, LakeFormat.Current), (loaded.Seq, loaded.Format));
        Assert.Equal(LakeFormat.Current, await LakeFormat.ReadAsync(_store, Ct));
    }

    [Theory]
    [InlineData(3)] // the newer format is in checkpoint 3
    [InlineData(20)] // only in log entry 3
    public async Task Load_LakeOfANewerFormat_RefusesNamingTheLakeAndBothFormats(int checkpointInterval)
    {
        var log = Log(checkpointInterval);
        var state = await log.CommitAsync(ManifestState.Empty, CommitLogTests.Entry(1), Ct);
        state = await log.CommitAsync(state, CommitLogTests.Entry(2), Ct);
        await log.CommitAsync(state, Upgrade(3, LakeFormat.Current + 1), Ct);

        var error = await Assert.ThrowsAsync<LakeFormatException>(() => log.LoadAsync(Ct));

        Assert.Equal(LakeFormat.Current + 1, await LakeFormat.ReadAsync(_store, Ct));
        Assert.Equal(LakeFormat.Current + 1, error.Format);
        Assert.Contains($"is format {LakeFormat.Current + 1}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"knows formats up to {LakeFormat.Current}", error.Message, StringComparison.Ordinal);
        Assert.Contains(_store.Describe(""), error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<LakeFormatException>(() => LakeFormat.EnsureSupportedAsync(_store, Ct));
    }

    [Fact]
    public async Task ReadFormat_LakeWithoutETagCache_WritesNothing()
    {
        // A listing of the local lake would hash the log files and save _pipeline/cache/etags.json.
        LakeFixture.CopyTo(LakeFixture.Format1, _dir.Path);
        var before = LakeFixture.Tree(_dir.Path);

        var format = await LakeFormat.ReadAsync(new LocalObjectStore(_dir.Path), Ct);

        Assert.Equal(LakeFormat.Unversioned, format);
        Assert.Equal(before, LakeFixture.Tree(_dir.Path));
    }
}
