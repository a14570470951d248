using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.Tests.TestSupport;

/// <summary>A store that passes every call to <paramref name="inner"/>; test stores override the calls they disturb.</summary>
internal abstract class DelegatingStore(IObjectStore inner) : IObjectStore
{
    protected IObjectStore Inner => inner;

    public virtual string Describe(string key) => inner.Describe(key);

    public virtual IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, string? startAfter = null, CancellationToken cancellationToken = default) =>
        inner.ListAsync(prefix, startAfter, cancellationToken);

    public virtual Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken) => inner.HeadAsync(key, cancellationToken);

    public virtual Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) => inner.OpenReadAsync(key, cancellationToken);

    public virtual Task<ObjectInfo> PutAsync(string key, Stream content, CancellationToken cancellationToken) => inner.PutAsync(key, content, cancellationToken);

    public virtual Task<ObjectInfo> PutIfAbsentAsync(string key, Stream content, CancellationToken cancellationToken) =>
        inner.PutIfAbsentAsync(key, content, cancellationToken);

    public virtual Task<ObjectInfo> PutIfMatchAsync(string key, Stream content, string etag, CancellationToken cancellationToken) =>
        inner.PutIfMatchAsync(key, content, etag, cancellationToken);

    public virtual Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

    public virtual Task DeleteIfMatchAsync(string key, string etag, CancellationToken cancellationToken) => inner.DeleteIfMatchAsync(key, etag, cancellationToken);
}
