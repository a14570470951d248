using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Orchestration;

public sealed class LeaseManagerTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero));
    private readonly LakeStores _stores;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public LeaseManagerTests()
    {
        var store = new LocalObjectStore(_dir.Path);
        _stores = new LakeStores(store, "raw/", store);
    }

    public void Dispose() => _dir.Dispose();

    private LeaseManager Manager(LeaseOptions? options = null) =>
        new(_stores, Options.Create(options ?? new LeaseOptions { Duration = TimeSpan.FromMinutes(10), RenewInterval = TimeSpan.FromMinutes(2) }), _time, NullLogger<LeaseManager>.Instance);

    [Fact]
    public async Task TryAcquire_HeldByAnother_ReturnsNull()
    {
        await using var first = await Manager().TryAcquireAsync("worker-a", "run-1", Ct);

        var second = await Manager().TryAcquireAsync("worker-b", "run-2", Ct);

        Assert.NotNull(first);
        Assert.Null(second);
    }

    [Fact]
    public async Task TryAcquire_ManyWorkersAtOnce_ExactlyOneWins()
    {
        var leases = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => Manager().TryAcquireAsync($"worker-{i}", $"run-{i}", Ct), Ct)));

        Assert.Single(leases, l => l is not null);
        foreach (var lease in leases) if (lease is not null) await lease.DisposeAsync();
    }

    [Fact]
    public async Task TryAcquire_AfterRelease_Succeeds()
    {
        var first = await Manager().TryAcquireAsync("worker-a", "run-1", Ct);
        await first!.DisposeAsync();

        await using var second = await Manager().TryAcquireAsync("worker-b", "run-2", Ct);

        Assert.NotNull(second);
    }

    [Fact]
    public async Task TryAcquire_ExpiredLeaseOfDeadWorker_IsTakenOverWithItsJobRun()
    {
        // A worker that died mid-run: its lease names the Glue run it started and expired a minute ago.
        var now = _time.GetUtcNow();
        await _stores.Lake.PutJsonAsync(LeaseManager.Key, new LeaseDocument("dead-worker", "run-1", now.AddMinutes(-11), now.AddMinutes(-1), "jr_123", 7), Ct);

        await using var successor = await Manager().TryAcquireAsync("worker-b", "run-2", Ct);

        Assert.NotNull(successor);
        Assert.Equal("jr_123", successor.Inherited?.JobRunId);
        Assert.Equal(7, successor.Inherited?.JobRunSeq);
        Assert.Equal("worker-b", successor.Document.Owner);
    }

    [Fact]
    public async Task Renewal_AfterTakeover_MarksOldHolderLost()
    {
        var slow = await Manager().TryAcquireAsync("slow-worker", "run-1", Ct);
        var lease = await _stores.Lake.ReadJsonAsync<LeaseDocument>(LeaseManager.Key, Ct);
        await _stores.Lake.PutJsonAsync(LeaseManager.Key, lease with { Owner = "usurper", ExpiresAt = _time.GetUtcNow().AddHours(1) }, Ct);

        _time.Advance(TimeSpan.FromMinutes(2));
        await WaitUntilAsync(() => slow!.Lost.IsCancellationRequested);

        Assert.True(slow!.Lost.IsCancellationRequested);
        await slow.DisposeAsync();
        Assert.Equal("usurper", (await _stores.Lake.ReadJsonAsync<LeaseDocument>(LeaseManager.Key, Ct)).Owner);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++) await Task.Delay(10, Ct);
    }

    [Fact]
    public async Task Renewal_WhileHeld_KeepsOthersOutPastTheFirstExpiry()
    {
        await using var holder = await Manager().TryAcquireAsync("worker-a", "run-1", Ct);
        for (var i = 0; i < 10; i++) // 20 minutes: twice the duration
        {
            _time.Advance(TimeSpan.FromMinutes(2));
            await WaitUntilAsync(() => holder!.Document.ExpiresAt == _time.GetUtcNow() + TimeSpan.FromMinutes(10));
        }

        var other = await Manager().TryAcquireAsync("worker-b", "run-2", Ct);

        Assert.Null(other);
        Assert.False(holder!.Lost.IsCancellationRequested);
    }

    [Fact]
    public async Task TryAcquire_WithWaitTimeout_WaitsForRelease()
    {
        var holder = await Manager().TryAcquireAsync("worker-a", "run-1", Ct);
        var waiting = Manager(new LeaseOptions { Duration = TimeSpan.FromMinutes(10), RenewInterval = TimeSpan.FromMinutes(2), WaitTimeout = TimeSpan.FromMinutes(5) })
            .TryAcquireAsync("worker-b", "run-2", Ct);

        await holder!.DisposeAsync();
        while (!waiting.IsCompleted)
        {
            _time.Advance(TimeSpan.FromSeconds(30));
            await Task.Delay(5, Ct);
        }

        await using var second = await waiting;
        Assert.NotNull(second);
    }

    [Theory]
    [InlineData("00:10:00", "00:06:00", "0:00:00", "RenewInterval")]
    [InlineData("00:00:00", "00:00:00", "0:00:00", "Duration")]
    [InlineData("00:10:00", "00:02:00", "-00:01:00", "WaitTimeout")]
    public void Validate_BadSettings_NamesKeyAndValue(string duration, string renew, string wait, string key)
    {
        var options = new LeaseOptions { Duration = TimeSpan.Parse(duration, System.Globalization.CultureInfo.InvariantCulture), RenewInterval = TimeSpan.Parse(renew, System.Globalization.CultureInfo.InvariantCulture), WaitTimeout = TimeSpan.Parse(wait, System.Globalization.CultureInfo.InvariantCulture) };

        var result = new SectionValidator<LeaseOptions>(LeaseOptions.Section).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"Pipeline:Lease:{key} = '", result.FailureMessage, StringComparison.Ordinal);
    }
    [Fact]
    public async Task TryAcquire_CreateWhoseResponseWasLost_RecognisesItsOwnLease()
    {
        var store = new LandedThenRejectedStore(_stores.Lake, LeaseManager.Key);
        var manager = new LeaseManager(new LakeStores(store, "raw/", store), Options.Create(new LeaseOptions()), _time, NullLogger<LeaseManager>.Instance);

        await using var lease = await manager.TryAcquireAsync("worker-a", "run-1", Ct);

        Assert.NotNull(lease);
        Assert.Equal(0, store.Failures);
        Assert.Equal("worker-a", (await _stores.Lake.ReadJsonAsync<LeaseDocument>(LeaseManager.Key, Ct)).Owner);
    }

    [Fact]
    public async Task Renew_WriteWhoseResponseWasLost_KeepsTheLeaseAndRenewsAgain()
    {
        var store = new LandedThenRejectedStore(_stores.Lake, LeaseManager.Key) { Failures = 0 };
        var manager = new LeaseManager(new LakeStores(store, "raw/", store), Options.Create(new LeaseOptions()), _time, NullLogger<LeaseManager>.Instance);
        await using var lease = await manager.TryAcquireAsync("worker-a", "run-1", Ct);

        store.Failures = 1;
        _time.Advance(TimeSpan.FromSeconds(30));
        await lease!.RenewAsync(Ct);
        _time.Advance(TimeSpan.FromSeconds(30));
        await lease.RenewAsync(Ct);

        Assert.Equal(0, store.Failures);
        Assert.False(lease.Lost.IsCancellationRequested);
        Assert.Equal(_time.GetUtcNow() + new LeaseOptions().Duration, (await _stores.Lake.ReadJsonAsync<LeaseDocument>(LeaseManager.Key, Ct)).ExpiresAt);
    }

    [Fact]
    public async Task Renew_AfterAnotherWorkerTookOver_StillFailsWithPreconditionFailed()
    {
        await using var lease = await Manager().TryAcquireAsync("worker-a", "run-1", Ct);
        var document = await _stores.Lake.ReadJsonAsync<LeaseDocument>(LeaseManager.Key, Ct);
        await _stores.Lake.PutJsonAsync(LeaseManager.Key, document with { Owner = "worker-b" }, Ct);

        await Assert.ThrowsAsync<PreconditionFailedException>(() => lease!.RenewAsync(Ct));
    }
    [Fact]
    public async Task TryAcquire_UnexpiredLeaseOfDeadProcessOnThisHost_IsTakenOverAtOnce()
    {
        // A process on this machine that was SIGKILLed: its lease has 90 s to run, but nobody holds the lake lock.
        var now = _time.GetUtcNow();
        await _stores.Lake.PutJsonAsync(LeaseManager.Key, new LeaseDocument("killed", "run-1", now.AddSeconds(-30), now.AddSeconds(90), "jr_9", 2) { Host = Environment.MachineName, RenewedAt = now, RenewInterval = TimeSpan.FromSeconds(30) }, Ct);
        var logger = new ListLogger<LeaseManager>();

        await using var successor = await new LeaseManager(_stores, Options.Create(new LeaseOptions()), _time, logger).TryAcquireAsync("worker-b", "run-2", Ct);

        Assert.NotNull(successor);
        Assert.Equal("jr_9", successor.Inherited?.JobRunId);
        var taken = Assert.Single(logger.Events, e => e.Message.StartsWith("Took over the lease of a dead holder", StringComparison.Ordinal));
        Assert.Contains("killed (run run-1", taken.Message, StringComparison.Ordinal);
        Assert.Contains("its process is gone", taken.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryAcquire_UnexpiredLeaseOfAnotherHost_IsNotTakenOverBeforeExpiry()
    {
        // A lake on a network share: the lock may not reach the other machine, so its lease is judged by expiry.
        var now = _time.GetUtcNow();
        await _stores.Lake.PutJsonAsync(LeaseManager.Key, new LeaseDocument("remote", "run-1", now, now.AddSeconds(90)) { Host = "another-host", RenewedAt = now, RenewInterval = TimeSpan.FromSeconds(30) }, Ct);

        var attempt = await Manager().AcquireAsync("worker-b", "run-2", Ct);

        Assert.Null(attempt.Lease);
        Assert.Equal(HolderVerdict.Alive, attempt.Refusal?.Verdict);
    }

    [Fact]
    public async Task TryAcquire_ReleasedLease_TakenWithoutCallingItsHolderDead()
    {
        var logger = new ListLogger<LeaseManager>();
        var first = await Manager().TryAcquireAsync("worker-a", "run-1", Ct);
        await first!.DisposeAsync();

        await using var second = await new LeaseManager(_stores, Options.Create(new LeaseOptions()), _time, logger).TryAcquireAsync("worker-b", "run-2", Ct);

        Assert.NotNull(second);
        Assert.DoesNotContain(logger.Events, e => e.Message.Contains("dead holder", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Inspect_LiveHolder_ShowsItAliveWithWhereItRuns()
    {
        await using var holder = await Manager().TryAcquireAsync("worker-a", "run-1", Ct);

        var state = await Manager().InspectAsync(Ct);

        Assert.Equal(HolderVerdict.Alive, state.Verdict);
        Assert.Equal("run-1", state.Holder?.RunId);
        Assert.Equal(HolderLocation.HostAndProcess, state.Holder?.Location);
        Assert.StartsWith("Yielding: the lake's lease is held by worker-a (run run-1, on host ", state.YieldLine(), StringComparison.Ordinal);
        Assert.Contains("looks alive", state.YieldLine(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unlock_LiveHolderWithoutForce_RefusesAndKeepsTheLease()
    {
        await using var holder = await Manager().TryAcquireAsync("worker-a", "run-1", Ct);

        var result = await Manager().UnlockAsync("run-1", force: false, Ct);

        Assert.Equal(UnlockOutcome.RefusedAlive, result.Outcome);
        Assert.Equal("run-1", (await _stores.Lake.ReadJsonAsync<LeaseDocument>(LeaseManager.Key, Ct)).RunId);
    }

    [Fact]
    public async Task Unlock_LeaseReplacedBetweenReadAndDelete_LeavesTheNewerLease()
    {
        // The dead holder's lease is read, then a successor takes over before the delete: the conditional delete loses.
        var now = _time.GetUtcNow();
        await _stores.Lake.PutJsonAsync(LeaseManager.Key, new LeaseDocument("killed", "run-1", now, now.AddSeconds(90)) { Host = Environment.MachineName }, Ct);
        var store = new ReplacedBeforeDeleteStore(_stores.Lake, async () =>
        {
            var current = await _stores.Lake.TryReadJsonAsync<LeaseDocument>(LeaseManager.Key, Ct);
            await _stores.Lake.PutIfMatchAsync(LeaseManager.Key, StoreJson.Serialize(current.Value! with { RunId = "run-2" }), current.ETag!, Ct);
        });
        var manager = new LeaseManager(new LakeStores(store, "raw/", store), Options.Create(new LeaseOptions()), _time, NullLogger<LeaseManager>.Instance);

        var result = await manager.UnlockAsync("run-1", force: true, Ct);

        Assert.Equal(UnlockOutcome.OtherLease, result.Outcome);
        Assert.Equal("run-2", (await _stores.Lake.ReadJsonAsync<LeaseDocument>(LeaseManager.Key, Ct)).RunId);
    }

    [Fact]
    public async Task Unlock_DeadProcessWithoutForce_RemovesItsLease()
    {
        var now = _time.GetUtcNow();
        await _stores.Lake.PutJsonAsync(LeaseManager.Key, new LeaseDocument("killed", "run-1", now, now.AddSeconds(90)) { Host = Environment.MachineName }, Ct);

        var result = await Manager().UnlockAsync("run-1", force: false, Ct);

        Assert.Equal(UnlockOutcome.Removed, result.Outcome);
        Assert.Equal(HolderVerdict.ProcessGone, result.State.Verdict);
        Assert.Null(await _stores.Lake.HeadAsync(LeaseManager.Key, Ct));
    }

    [Fact]
    public void Defaults_ShortLeaseRenewedEveryThirtySeconds()
    {
        var options = new LeaseOptions();

        Assert.Equal(TimeSpan.FromMinutes(2), options.Duration);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RenewInterval);
        Assert.False(new SectionValidator<LeaseOptions>(LeaseOptions.Section).Validate(null, options).Failed);
    }

    /// <summary>A store that runs <c>replace</c> once, just before the first conditional delete.</summary>
    private sealed class ReplacedBeforeDeleteStore(IObjectStore inner, Func<Task> replace) : DelegatingStore(inner)
    {
        private Func<Task>? _replace = replace;

        public override async Task DeleteIfMatchAsync(string key, string etag, CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _replace, null) is { } replace) await replace();
            await Inner.DeleteIfMatchAsync(key, etag, cancellationToken);
        }
    }
}
