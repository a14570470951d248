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
}
