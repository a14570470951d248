using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>
/// Takes <c>_pipeline/lease.json</c>: created with put-if-absent, taken over with put-if-match once expired,
/// so that of two workers racing for it exactly one wins (for example the old and the new task of an ECS deploy).
/// </summary>
public sealed partial class LeaseManager(LakeStores stores, IOptions<LeaseOptions> options, TimeProvider time, ILogger<LeaseManager> logger)
{
    public const string Key = "_pipeline/lease.json";

    /// <summary>A name for this process, unique across restarts.</summary>
    public static readonly string ProcessOwner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Takes the lease, waiting up to <see cref="LeaseOptions.WaitTimeout"/>; null when another worker holds it.</summary>
    public async Task<Lease?> TryAcquireAsync(string owner, string runId, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + options.Value.WaitTimeout;
        while (true)
        {
            var (lease, holder) = await TryOnceAsync(owner, runId, cancellationToken).ConfigureAwait(false);
            if (lease is not null) return lease;
            var now = time.GetUtcNow();
            if (now >= deadline)
            {
                LogHeld(holder?.Owner ?? "another worker", holder?.RunId ?? "?", holder?.ExpiresAt ?? now);
                return null;
            }
            var wait = TimeSpan.FromTicks(Math.Min((deadline - now).Ticks, Math.Max(TimeSpan.FromSeconds(1).Ticks, options.Value.RenewInterval.Ticks / 2)));
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The lease document as it stands (held, expired or released); null when no worker ever took it.</summary>
    public async Task<LeaseDocument?> ReadAsync(CancellationToken cancellationToken) =>
        (await stores.Lake.TryReadJsonAsync<LeaseDocument>(Key, cancellationToken).ConfigureAwait(false)).Value;

    private async Task<(Lease? Lease, LeaseDocument? Holder)> TryOnceAsync(string owner, string runId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var mine = new LeaseDocument(owner, runId, now, now + options.Value.Duration);
        var (current, etag) = await stores.Lake.TryReadJsonAsync<LeaseDocument>(Key, cancellationToken).ConfigureAwait(false);
        try
        {
            if (current is null)
            {
                return (Acquired(mine, await Lease.WriteOrOwnAsync(stores.Lake, mine, null, cancellationToken).ConfigureAwait(false), null), null);
            }
            if (current.ExpiresAt > now) return (null, current);

            // An expired lease may name a job run its dead holder started: the successor inherits it to re-attach.
            var inherited = current.JobRunId is null ? null : current;
            var takeover = mine with { JobRunId = current.JobRunId, JobRunSeq = current.JobRunSeq };
            var written = await Lease.WriteOrOwnAsync(stores.Lake, takeover, etag!, cancellationToken).ConfigureAwait(false);
            if (current.Owner != owner) LogTakenOver(current.Owner, current.ExpiresAt);
            return (Acquired(takeover, written, inherited), null);
        }
        catch (PreconditionFailedException)
        {
            return (null, current); // another worker was faster
        }
    }

    private Lease Acquired(LeaseDocument document, string etag, LeaseDocument? inherited)
    {
        LogAcquired(document.Owner, document.ExpiresAt);
        return new Lease(stores.Lake, document, etag, inherited, options.Value, time, logger);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Lease acquired by {Owner} until {ExpiresAt:o}")]
    private partial void LogAcquired(string owner, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Took over the expired lease of {PreviousOwner} (expired {ExpiredAt:o}): that worker stopped without releasing it")]
    private partial void LogTakenOver(string previousOwner, DateTimeOffset expiredAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Yielding: the lake's lease is held by {Owner} (run {RunId}) until {ExpiresAt:o}; this worker does not run now")]
    private partial void LogHeld(string owner, string runId, DateTimeOffset expiresAt);
}
