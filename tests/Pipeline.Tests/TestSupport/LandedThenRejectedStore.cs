using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.Tests.TestSupport;

/// <summary>
/// A store whose next <see cref="Failures"/> conditional writes to one key land and then throw
/// <see cref="PreconditionFailedException"/>: what an SDK retry sees when the first attempt's response was lost
/// after the write succeeded (the object now exists, or its ETag has moved on).
/// </summary>
internal sealed class LandedThenRejectedStore(IObjectStore inner, string key) : DelegatingStore(inner)
{
    public int Failures { get; set; } = 1;

    public override Task<ObjectInfo> PutIfAbsentAsync(string key, Stream content, CancellationToken cancellationToken) =>
        LandThenRejectAsync(key, Inner.PutIfAbsentAsync(key, content, cancellationToken));

    public override Task<ObjectInfo> PutIfMatchAsync(string key, Stream content, string etag, CancellationToken cancellationToken) =>
        LandThenRejectAsync(key, Inner.PutIfMatchAsync(key, content, etag, cancellationToken));

    private async Task<ObjectInfo> LandThenRejectAsync(string written, Task<ObjectInfo> write)
    {
        var info = await write;
        if (written != key || Failures <= 0) return info;
        Failures--;
        throw new PreconditionFailedException(written, $"412 on the retry of a write that landed: {written}");
    }
}
