using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SpotifyWorker.Pipeline.Aws.S3;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.Aws.Support;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Aws;

/// <summary>
/// The lease on S3 (moto): no lock tells a dead holder there, so its lease is taken over when it expires (two
/// minutes by default), with the Glue job run it started, and unlock removes a lease only by a conditional delete.
/// </summary>
public sealed class S3LeaseTests(MotoServer moto) : MotoTest(moto)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 2, 0, 0, TimeSpan.Zero);

    private LakeStores Stores()
    {
        var lake = new S3ObjectStore(Aws.S3, MotoAws.LakeBucket, "", new S3StoreSettings(), TimeProvider.System);
        return new LakeStores(lake, "raw/", lake);
    }

    private LeaseManager Manager(TimeProvider time, ILogger<LeaseManager>? logger = null) =>
        new(Stores(), Options.Create(new LeaseOptions()), time, logger ?? new ListLogger<LeaseManager>(), new HolderLocation(null));

    [Fact]
    public async Task TryAcquire_HolderDiedMidGlueRun_TakenOverAtExpiryWithItsJobRun()
    {
        // The dead worker's clock stands still, so it never renews: as if it had been killed after recording its Glue run.
        var dead = await Manager(new FakeTimeProvider(Start)).TryAcquireAsync("dead-task", "run-1", Ct);
        await dead!.RecordJobRunAsync("jr_42", 3, Ct);
        var time = new FakeTimeProvider(Start);
        var logger = new ListLogger<LeaseManager>();
        var successor = Manager(time, logger);

        time.Advance(TimeSpan.FromSeconds(30));
        var early = await successor.AcquireAsync("new-task", "run-2", Ct);
        time.Advance(TimeSpan.FromSeconds(45)); // 75 s without a renewal: two missed
        var silent = await successor.AcquireAsync("new-task", "run-2", Ct);
        time.Advance(TimeSpan.FromSeconds(46)); // past the two-minute expiry
        await using var lease = await successor.TryAcquireAsync("new-task", "run-2", Ct);

        Assert.Null(early.Lease);
        Assert.Equal(HolderVerdict.Alive, early.Refusal!.Verdict);
        Assert.Null(silent.Lease);
        Assert.Equal(HolderVerdict.Silent, silent.Refusal!.Verdict);
        Assert.Contains("looks dead", silent.Refusal.YieldLine(), StringComparison.Ordinal);
        Assert.NotNull(lease);
        Assert.Equal("jr_42", lease.Inherited?.JobRunId);
        Assert.Equal(3, lease.Inherited?.JobRunSeq);
        Assert.Equal("jr_42", (await Stores().Lake.ReadJsonAsync<LeaseDocument>(LeaseManager.Key, Ct)).JobRunId);
        Assert.Single(logger.Events, e => e.Message.StartsWith("Took over the lease of a dead holder, dead-task (run run-1", StringComparison.Ordinal)
            && e.Message.Contains("expired", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unlock_StaleIdWithForce_LeavesTheNewerLease()
    {
        var time = new FakeTimeProvider(Start);
        var old = await Manager(time).TryAcquireAsync("task-a", "run-1", Ct);
        await old!.DisposeAsync();
        await using var newer = await Manager(time).TryAcquireAsync("task-b", "run-2", Ct);

        var result = await Manager(time).UnlockAsync("run-1", force: true, Ct);

        Assert.Equal(UnlockOutcome.OtherLease, result.Outcome);
        Assert.Equal("run-2", (await Stores().Lake.ReadJsonAsync<LeaseDocument>(LeaseManager.Key, Ct)).RunId);
    }

    [Fact]
    public async Task Unlock_LiveHolderWithForce_RemovesItAndTheHolderLosesItAtItsNextRenewal()
    {
        var time = new FakeTimeProvider(Start);
        await using var holder = await Manager(time).TryAcquireAsync("task-a", "run-1", Ct);

        var refused = await Manager(time).UnlockAsync("run-1", force: false, Ct);
        var forced = await Manager(time).UnlockAsync("run-1", force: true, Ct);

        Assert.Equal(UnlockOutcome.RefusedAlive, refused.Outcome);
        Assert.Equal(UnlockOutcome.Removed, forced.Outcome);
        Assert.Null(await Stores().Lake.HeadAsync(LeaseManager.Key, Ct));
        await Assert.ThrowsAsync<PreconditionFailedException>(() => holder!.RenewAsync(Ct));
    }

    [Fact]
    public async Task DeleteIfMatchAsync_StaleETag_ThrowsAndKeepsTheObject()
    {
        // moto 5.2.1 checks If-Match on DeleteObject as S3 does; this test fails if it ever stops doing so.
        var store = Stores().Lake;
        var first = await store.PutAsync("_pipeline/lease.json", new MemoryStream(Encoding.UTF8.GetBytes("one")), Ct);
        var second = await store.PutIfMatchAsync("_pipeline/lease.json", new MemoryStream(Encoding.UTF8.GetBytes("two")), first.ETag, Ct);

        await Assert.ThrowsAsync<PreconditionFailedException>(() => store.DeleteIfMatchAsync("_pipeline/lease.json", first.ETag, Ct));
        Assert.Equal(second.ETag, (await store.HeadAsync("_pipeline/lease.json", Ct))?.ETag);
        await store.DeleteIfMatchAsync("_pipeline/lease.json", second.ETag, Ct);
        Assert.Null(await store.HeadAsync("_pipeline/lease.json", Ct));
        await Assert.ThrowsAsync<PreconditionFailedException>(() => store.DeleteIfMatchAsync("_pipeline/lease.json", second.ETag, Ct));
    }
}
