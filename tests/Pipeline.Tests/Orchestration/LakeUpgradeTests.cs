using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Tests.Oracle;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Orchestration;

/// <summary>
/// Today's worker on the lake release e076a25 wrote (format 1, <see cref="LakeFixture.Format1"/>): the first run or
/// reprocess upgrades it in one commit, reads its silver as it is, and the lake equals the independent oracle over
/// its raw files in the order the manifest says they were processed (the fixture's reprocess included).
/// </summary>
public sealed class LakeUpgradeTests : IDisposable
{
    private const long FixtureSeq = 11;

    private readonly TempDirectory _lake = new();
    private readonly ServiceProvider _services;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public LakeUpgradeTests()
    {
        LakeFixture.CopyTo(LakeFixture.Format1, _lake.Path);
        _services = PipelineServices.Create(_lake.Path, new Dictionary<string, string?> { ["Pipeline:Batch:MaxFiles"] = "3" });
    }

    public void Dispose()
    {
        _services.Dispose();
        _lake.Dispose();
    }

    private CommitLog Log => _services.GetRequiredService<CommitLog>();

    private Task<RunSummary> RunAsync() => _services.GetRequiredService<RunCoordinator>().RunAsync(Ct);

    /// <summary>
    /// Drop 1's tracks and drop 2's artists again under new keys: later than everything, they win over the
    /// fixture's later updates, and the tracks join albums that only the old silver holds.
    /// </summary>
    private void AddDropFour()
    {
        foreach (var (from, to) in new[] { ("raw/tracks/drop-0001/tracks-0001.csv", "raw/tracks/drop-0004/tracks-0001.csv"), ("raw/artists/drop-0002/artists-0001.csv", "raw/artists/drop-0004/artists-0001.csv") })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_lake.Combine(to))!);
            File.Copy(_lake.Combine(from), _lake.Combine(to));
        }
    }

    private async Task<IReadOnlyList<CommitEntry>> EntriesAfterFixtureAsync()
    {
        var state = await Log.LoadAsync(Ct);
        return await Log.ReadRecentAsync(state.Seq, (int)(state.Seq - FixtureSeq), Ct);
    }

    private static void AssertUpgrade(CommitEntry entry)
    {
        Assert.Equal((FixtureSeq + 1, CommitKind.Upgrade, LakeFormat.Current), (entry.Seq, entry.Kind, entry.Format));
        Assert.Empty(entry.Files);
        Assert.Empty(entry.Added);
        Assert.Empty(entry.Removed);
        Assert.Empty(entry.Forgotten);
    }

    [Fact]
    public async Task RunOnce_FormatOneFixtureWithANewDrop_UpgradesInOneCommitThenMatchesTheOracle()
    {
        var fixture = await Log.LoadAsync(Ct);
        var oldSilver = fixture.LiveFiles.Values.Where(f => f.Table.StartsWith("silver_", StringComparison.Ordinal)).Select(f => f.Key).ToList();
        AddDropFour();

        var run = await RunAsync();

        Assert.True(run.Outcome == RunOutcome.Succeeded, run.Error);
        var entries = await EntriesAfterFixtureAsync();
        AssertUpgrade(entries[0]);
        Assert.NotEmpty(entries[1].Files); // the batch comes after the upgrade
        Assert.All(entries.Skip(1), e => Assert.True(e.Kind != CommitKind.Upgrade && e.Format is null, $"entry {e.Seq} sets the format again"));
        var state = await Log.LoadAsync(Ct);
        Assert.Equal(LakeFormat.Current, state.Format);
        // The fixture's silver is read as it is: still live, unless a compaction has since rewritten it.
        Assert.All(oldSilver, key => Assert.True(state.LiveFiles.ContainsKey(key) || entries.Any(e => e.Kind == CommitKind.Compaction && e.Removed.Contains(key)), $"{key} is gone"));
        await OracleAssert.MatchesAsync(_lake.Path);

        var again = await RunAsync();

        Assert.Equal(RunOutcome.NothingNew, again.Outcome);
        Assert.Equal(state.Seq, (await Log.LoadAsync(Ct)).Seq);
    }

    [Fact]
    public async Task ReprocessFrom2_UpgradedFixture_NextRunMatchesTheOracle()
    {
        var upgrade = await RunAsync();
        Assert.Equal(RunOutcome.NothingNew, upgrade.Outcome);
        AssertUpgrade(Assert.Single(await EntriesAfterFixtureAsync()));
        var gold = await OracleGoldAsync();

        var result = await _services.GetRequiredService<Reprocessor>().ReprocessFromAsync(2, Ct);
        var rerun = await RunAsync();

        Assert.Equal(FixtureSeq + 2, result.CommitSeq);
        Assert.True(result.RawFilesForgotten > 0);
        Assert.True(rerun.Outcome == RunOutcome.Succeeded, rerun.Error);
        Assert.Single(await EntriesAfterFixtureAsync(), e => e.Kind == CommitKind.Upgrade);
        await OracleAssert.MatchesAsync(_lake.Path);
        Assert.Equal(gold, await OracleGoldAsync());
    }

    [Fact]
    public async Task Reprocess_FormatOneFixture_UpgradesBeforeItsOwnCommit()
    {
        var result = await _services.GetRequiredService<Reprocessor>().ReprocessFromAsync(FixtureSeq, Ct);
        var rerun = await RunAsync();

        var entries = await EntriesAfterFixtureAsync();
        AssertUpgrade(entries[0]);
        Assert.Equal(FixtureSeq + 2, result.CommitSeq);
        Assert.NotEmpty(entries[1].Forgotten);
        Assert.True(rerun.Outcome == RunOutcome.Succeeded, rerun.Error);
        await OracleAssert.MatchesAsync(_lake.Path);
    }

    /// <summary>The scheduled service's path, past the command line's own check: refused before the lease is taken.</summary>
    [Fact]
    public async Task RunAndReprocess_LakeOfANewerFormat_ThrowBeforeWritingAnything()
    {
        var state = await Log.LoadAsync(Ct);
        await Log.CommitAsync(state, new CommitEntry(state.Seq + 1, "newer", "newer-worker", DateTimeOffset.UnixEpoch, [], [], [], new BatchStats(0, 0, 0, 0, [], 0))
        {
            Kind = CommitKind.Upgrade,
            Format = LakeFormat.Current + 1,
        }, Ct);
        // A lake without an ETag cache: a listing of the raw files would write one, so "nothing written" is strict.
        if (Directory.Exists(_lake.Combine("_pipeline", "cache"))) Directory.Delete(_lake.Combine("_pipeline", "cache"), recursive: true);
        var before = LakeFixture.Tree(_lake.Path);

        await Assert.ThrowsAsync<LakeFormatException>(RunAsync);
        await Assert.ThrowsAsync<LakeFormatException>(() => _services.GetRequiredService<Reprocessor>().ReprocessFromAsync(2, Ct));

        Assert.Equal(before, LakeFixture.Tree(_lake.Path));
    }

    private async Task<IReadOnlyList<string>> OracleGoldAsync() =>
        (await GoldOracle.OfStateAsync(await Log.LoadAsync(Ct), new Pipeline.Storage.LocalObjectStore(_lake.Path), Ct)).Gold;
}
