using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.Tests.TestSupport;

/// <summary>
/// A store whose next <see cref="Failures"/> conditional writes to one key land and then throw
/// <see cref="PreconditionFailedException"/>: what an SDK retry sees when the first attempt's response was lost
/// after the write succeeded (the object now exists, or its ETag has moved on).
/// </summary>
internal sealed class LandedThenRejectedStore(IObjectStore inner, string key) : IObjectStore
{
    public int Failures { get; set; } = 1;

    public string Describe(string key) => inner.Describe(key);

    public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, string? startAfter = null, CancellationToken cancellationToken = default) =>
        inner.ListAsync(prefix, startAfter, cancellationToken);

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken) => inner.HeadAsync(key, cancellationToken);

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) => inner.OpenReadAsync(key, cancellationToken);

    public Task<ObjectInfo> PutAsync(string key, Stream content, CancellationToken cancellationToken) => inner.PutAsync(key, content, cancellationToken);

    public Task<ObjectInfo> PutIfAbsentAsync(string key, Stream content, CancellationToken cancellationToken) =>
        LandThenRejectAsync(key, inner.PutIfAbsentAsync(key, content, cancellationToken));

    public Task<ObjectInfo> PutIfMatchAsync(string key, Stream content, string etag, CancellationToken cancellationToken) =>
        LandThenRejectAsync(key, inner.PutIfMatchAsync(key, content, etag, cancellationToken));

    public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

    public Task DeleteIfMatchAsync(string key, string etag, CancellationToken cancellationToken) => inner.DeleteIfMatchAsync(key, etag, cancellationToken);

    private async Task<ObjectInfo> LandThenRejectAsync(string written, Task<ObjectInfo> write)
    {
        var info = await write;
        if (written != key || Failures <= 0) return info;
        Failures--;
        throw new PreconditionFailedException(written, $"412 on the retry of a write that landed: {written}");
    }
}
