using Microsoft.Extensions.Logging;
using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>The content of <c>_pipeline/lease.json</c>. Its run id is the lease id that <c>unlock</c> takes.</summary>
/// <param name="JobRunId">The external job run (Glue) this holder started, so a successor can re-attach to it.</param>
public sealed record LeaseDocument(string Owner, string RunId, DateTimeOffset AcquiredAt, DateTimeOffset ExpiresAt, string? JobRunId = null, long? JobRunSeq = null)
{
    /// <summary>Where the holder runs: its ECS task ARN, or host and process id.</summary>
    public string? Location { get; init; }

    /// <summary>The holder's machine: on this machine the lake lock tells a live holder from a dead one.</summary>
    public string? Host { get; init; }

    public DateTimeOffset? RenewedAt { get; init; }

    /// <summary>How often the holder renews, so that a reader can tell when it missed renewals.</summary>
    public TimeSpan? RenewInterval { get; init; }

    /// <summary>Set when the holder gave the lease up at the end of its run (rather than dying with it).</summary>
    public bool Released { get; init; }
}

/// <summary>What a batch may record in the lease (the external job run it started) and inherit from a dead holder.</summary>
public interface IRunLease
{
    /// <summary>The job run a previous holder started and never finished, if any.</summary>
    LeaseDocument? Inherited { get; }

    Task RecordJobRunAsync(string? jobRunId, long seq, CancellationToken cancellationToken);
}

/// <summary>A lease nobody shares: for tests and tools that run without one.</summary>
public sealed class NoLease : IRunLease
{
    public static readonly NoLease Instance = new();

    public LeaseDocument? Inherited => null;

    public Task RecordJobRunAsync(string? jobRunId, long seq, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// A held lease. It renews itself (put-if-match) every renew interval; when a renewal loses or the lease
/// expires unrenewed, <see cref="Lost"/> is cancelled so the run stops at its next safe point. The commit
/// log's compare-and-swap still protects the lake if two workers ever overlap. On a local lake it also holds
/// the lake lock until it is disposed, so that the OS tells the next worker at once if this process dies.
/// </summary>
public sealed partial class Lease : IRunLease, IAsyncDisposable
{
    private readonly IObjectStore _store;
    private readonly TimeProvider _time;
    private readonly LeaseOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lost = new();
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly ITimer _timer;
    private readonly IDisposable? _lakeLock;
    private string _etag;
    private bool _released;

    internal Lease(IObjectStore store, LeaseDocument document, string etag, LeaseDocument? inherited, IDisposable? lakeLock, LeaseOptions options, TimeProvider time, ILogger logger)
    {
        _store = store;
        _lakeLock = lakeLock;
        Document = document;
        _etag = etag;
        Inherited = inherited;
        _options = options;
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(_ => _ = RenewQuietlyAsync(), null, options.RenewInterval, options.RenewInterval);
    }

    public LeaseDocument Document { get; private set; }

    public LeaseDocument? Inherited { get; }

    /// <summary>Cancelled when the lease is lost; link it with the run's token.</summary>
    public CancellationToken Lost => _lost.Token;

    public Task RecordJobRunAsync(string? jobRunId, long seq, CancellationToken cancellationToken) =>
        WriteAsync(Document with { JobRunId = jobRunId, JobRunSeq = jobRunId is null ? null : seq }, cancellationToken);

    public Task RenewAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        return WriteAsync(Document with { RenewedAt = now, ExpiresAt = now + _options.Duration }, cancellationToken);
    }

    private async Task RenewQuietlyAsync()
    {
        try
        {
            await RenewAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (_time.GetUtcNow() >= Document.ExpiresAt || e is PreconditionFailedException)
            {
                LogLost(e, Document.Owner);
                await _lost.CancelAsync().ConfigureAwait(false);
            }
            else
            {
                LogRenewFailed(e);
            }
        }
    }

    private async Task WriteAsync(LeaseDocument next, CancellationToken cancellationToken)
    {
        await _write.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_released || _lost.IsCancellationRequested) throw new PreconditionFailedException(LeaseManager.Key, "the lease is no longer held");
            _etag = await WriteOrOwnAsync(_store, next, _etag, cancellationToken).ConfigureAwait(false);
            Document = next;
        }
        finally
        {
            _write.Release();
        }
    }

    /// <summary>
    /// Writes the lease document: created when <paramref name="etag"/> is null, else replaced if it still has that
    /// ETag. When the store answers 412 the write may still be this one: a retry after an answer lost on the way
    /// back (the first attempt landed) gets 412 for its own write. The stored document is then exactly
    /// <paramref name="document"/> (owner, run and expiry to the tick) and the write counts as done; any other
    /// document means another worker won.
    /// </summary>
    /// <returns>The ETag of the stored lease.</returns>
    internal static async Task<string> WriteOrOwnAsync(IObjectStore store, LeaseDocument document, string? etag, CancellationToken cancellationToken)
    {
        try
        {
            using var content = StoreJson.Serialize(document);
            var written = etag is null
                ? await store.PutIfAbsentAsync(LeaseManager.Key, content, cancellationToken).ConfigureAwait(false)
                : await store.PutIfMatchAsync(LeaseManager.Key, content, etag, cancellationToken).ConfigureAwait(false);
            return written.ETag;
        }
        catch (PreconditionFailedException)
        {
            var (stored, storedETag) = await store.TryReadJsonAsync<LeaseDocument>(LeaseManager.Key, cancellationToken).ConfigureAwait(false);
            if (stored != document || storedETag is null) throw;
            return storedETag;
        }
    }

    /// <summary>Gives the lease up by expiring it now (a conditional write, so a successor's lease is never touched).</summary>
    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync().ConfigureAwait(false);
        if (!_released && !_lost.IsCancellationRequested)
        {
            try
            {
                await WriteAsync(Document with { ExpiresAt = _time.GetUtcNow(), Released = true }, CancellationToken.None).ConfigureAwait(false);
                LogReleased(Document.Owner);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogReleaseFailed(e);
            }
        }
        _released = true;
        _lakeLock?.Dispose(); // after the release is written: the next worker finds a released lease, not a dead holder
        _lost.Dispose();
        _write.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Lease lost by {Owner}: another worker may be running; this run stops at its next safe point")]
    private partial void LogLost(Exception exception, string owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease renewal failed; retrying before it expires")]
    private partial void LogRenewFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Lease released by {Owner}")]
    private partial void LogReleased(string owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease could not be released; it expires by itself")]
    private partial void LogReleaseFailed(Exception exception);
}
