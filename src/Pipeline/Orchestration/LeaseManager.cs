using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>What an attempt to take the lease came to: the lease, or the state of the lease that kept this run out.</summary>
public sealed record LeaseAttempt(Lease? Lease, LeaseState? Refusal);

/// <summary>
/// Takes <c>_pipeline/lease.json</c>: created with put-if-absent, taken over with put-if-match once its holder is
/// gone, so that of two workers racing for it exactly one wins (for example the old and the new task of an ECS
/// deploy). A holder is gone when its lease expired or was released, or, on a local lake, when the OS released the
/// lock its process held (<see cref="LakeLock"/>): a killed run-once is then taken over at once, not at expiry.
/// </summary>
public sealed partial class LeaseManager(LakeStores stores, IOptions<LeaseOptions> options, TimeProvider time, ILogger<LeaseManager> logger, HolderLocation? location = null)
{
    public const string Key = "_pipeline/lease.json";

    /// <summary>The local lake's lock file (see <see cref="LakeLock"/>).</summary>
    public const string LockKey = "_pipeline/lease.lock";

    /// <summary>A name for this process, unique across restarts.</summary>
    public static readonly string ProcessOwner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..6]}";

    private readonly LakeLock? _lakeLock = stores.Lake is LocalObjectStore local ? new LakeLock(local.PathOf(LockKey)) : null;
    private readonly HolderLocation _location = location ?? HolderLocation.FromEnvironment();

    /// <summary>Takes the lease, waiting up to <see cref="LeaseOptions.WaitTimeout"/>; null when another worker holds it.</summary>
    public async Task<Lease?> TryAcquireAsync(string owner, string runId, CancellationToken cancellationToken) =>
        (await AcquireAsync(owner, runId, cancellationToken).ConfigureAwait(false)).Lease;

    /// <summary>Takes the lease, waiting up to <see cref="LeaseOptions.WaitTimeout"/>; else says who holds it.</summary>
    public async Task<LeaseAttempt> AcquireAsync(string owner, string runId, CancellationToken cancellationToken)
    {
        // Every writer takes the lease before it writes, so this is where a worker meets a lake newer than it knows:
        // refused before lease.json or lease.lock exist, it leaves the lake as it found it.
        await LakeFormat.EnsureSupportedAsync(stores.Lake, cancellationToken).ConfigureAwait(false);
        var deadline = time.GetUtcNow() + options.Value.WaitTimeout;
        while (true)
        {
            var attempt = await TryOnceAsync(owner, runId, cancellationToken).ConfigureAwait(false);
            if (attempt.Lease is not null) return attempt;
            var now = time.GetUtcNow();
            if (now >= deadline)
            {
                LogHeld(attempt.Refusal!.YieldLine());
                return attempt;
            }
            var wait = TimeSpan.FromTicks(Math.Min((deadline - now).Ticks, Math.Max(TimeSpan.FromSeconds(1).Ticks, options.Value.RenewInterval.Ticks / 2)));
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The lease document as it stands (held, expired or released); null when no worker ever took it.</summary>
    public async Task<LeaseDocument?> ReadAsync(CancellationToken cancellationToken) =>
        (await stores.Lake.TryReadJsonAsync<LeaseDocument>(Key, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>The lease and the verdict on its holder, for status and unlock. On a local lake it tries the lock for a moment.</summary>
    public async Task<LeaseState> InspectAsync(CancellationToken cancellationToken)
    {
        var (current, etag) = await stores.Lake.TryReadJsonAsync<LeaseDocument>(Key, cancellationToken).ConfigureAwait(false);
        return LeaseState.Judge(current, etag, _lakeLock?.IsHeld(), time.GetUtcNow());
    }

    /// <summary>
    /// Removes the lease of run <paramref name="runId"/> and nothing else: a conditional delete on the ETag read
    /// with it, so a lease renewed or taken by another run since is never removed. A holder that looks alive is
    /// only removed with <paramref name="force"/>; it then loses the lease at its next renewal and stops.
    /// </summary>
    public async Task<UnlockResult> UnlockAsync(string runId, bool force, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var state = await InspectAsync(cancellationToken).ConfigureAwait(false);
            if (state.Holder is null || state.Holder.Released) return new UnlockResult(UnlockOutcome.NothingToUnlock, state);
            if (state.Holder.RunId != runId) return new UnlockResult(UnlockOutcome.OtherLease, state);
            if (state.LooksAlive && !force) return new UnlockResult(UnlockOutcome.RefusedAlive, state);
            try
            {
                await stores.Lake.DeleteIfMatchAsync(Key, state.ETag!, cancellationToken).ConfigureAwait(false);
                LogUnlocked(runId, state.Holder.Owner, state.Verdict);
                return new UnlockResult(UnlockOutcome.Removed, state);
            }
            catch (PreconditionFailedException) when (attempt < 3)
            {
                // Renewed (or replaced) between the read and the delete: read again and decide again.
            }
        }
    }

    private async Task<LeaseAttempt> TryOnceAsync(string owner, string runId, CancellationToken cancellationToken)
    {
        var lakeLock = _lakeLock?.TryTake();
        if (_lakeLock is not null && lakeLock is null)
        {
            return new LeaseAttempt(null, LeaseState.Judge(await ReadAsync(cancellationToken).ConfigureAwait(false), null, lockHeld: true, time.GetUtcNow()));
        }
        try
        {
            var attempt = await TakeAsync(owner, runId, lakeLock, cancellationToken).ConfigureAwait(false);
            if (attempt.Lease is null) lakeLock?.Dispose();
            return attempt;
        }
        catch
        {
            lakeLock?.Dispose();
            throw;
        }
    }

    private async Task<LeaseAttempt> TakeAsync(string owner, string runId, IDisposable? lakeLock, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var mine = new LeaseDocument(owner, runId, now, now + options.Value.Duration)
        {
            Location = await _location.GetAsync(cancellationToken).ConfigureAwait(false),
            Host = Environment.MachineName,
            RenewedAt = now,
            RenewInterval = options.Value.RenewInterval,
        };
        var (current, etag) = await stores.Lake.TryReadJsonAsync<LeaseDocument>(Key, cancellationToken).ConfigureAwait(false);
        var state = LeaseState.Judge(current, etag, lakeLock is null ? null : false, now);
        try
        {
            if (current is null)
            {
                return Acquired(mine, await Lease.WriteOrOwnAsync(stores.Lake, mine, null, cancellationToken).ConfigureAwait(false), null, lakeLock);
            }
            if (state.IsHeld) return new LeaseAttempt(null, state);

            // A dead holder's lease may name a job run it started: the successor inherits it to re-attach.
            var inherited = current.JobRunId is null ? null : current;
            var takeover = mine with { JobRunId = current.JobRunId, JobRunSeq = current.JobRunSeq };
            var written = await Lease.WriteOrOwnAsync(stores.Lake, takeover, etag!, cancellationToken).ConfigureAwait(false);
            if (!current.Released && current.Owner != owner) LogTakenOver(LeaseState.Describe(current), state.Reason);
            return Acquired(takeover, written, inherited, lakeLock);
        }
        catch (PreconditionFailedException)
        {
            // Another worker was faster: say who.
            var winner = await stores.Lake.TryReadJsonAsync<LeaseDocument>(Key, cancellationToken).ConfigureAwait(false);
            return new LeaseAttempt(null, LeaseState.Judge(winner.Value, winner.ETag, lockHeld: null, time.GetUtcNow()));
        }
    }

    private LeaseAttempt Acquired(LeaseDocument document, string etag, LeaseDocument? inherited, IDisposable? lakeLock)
    {
        LogAcquired(document.Owner, document.ExpiresAt);
        return new LeaseAttempt(new Lease(stores.Lake, document, etag, inherited, lakeLock, options.Value, time, logger), null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Lease acquired by {Owner} until {ExpiresAt:o}")]
    private partial void LogAcquired(string owner, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 1010, EventName = "LeaseTakenOver", Level = LogLevel.Warning,
        Message = "Took over the lease of a dead holder, {PreviousHolder}: {Reason}")]
    private partial void LogTakenOver(string previousHolder, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{YieldLine}")]
    private partial void LogHeld(string yieldLine);

    [LoggerMessage(EventId = 1011, EventName = "LeaseUnlocked", Level = LogLevel.Warning,
        Message = "Lease of run {RunId} held by {Owner} removed by unlock (holder {Verdict})")]
    private partial void LogUnlocked(string runId, string owner, HolderVerdict verdict);
}

public enum UnlockOutcome
{
    Removed,

    /// <summary>No lease is held: nothing was removed.</summary>
    NothingToUnlock,

    /// <summary>The lease belongs to another run than the one named: nothing was removed.</summary>
    OtherLease,

    /// <summary>The holder looks alive and --force was not given: nothing was removed.</summary>
    RefusedAlive,
}

public sealed record UnlockResult(UnlockOutcome Outcome, LeaseState State);
