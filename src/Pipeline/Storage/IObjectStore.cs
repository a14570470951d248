namespace SpotifyWorker.Pipeline.Storage;

/// <summary>
/// A flat key/value object store with the guarantees the commit log and the lease rely on:
/// put-if-absent and put-if-match are atomic, so that exactly one of two racing writers wins.
/// Keys use '/' separators and are listed in UTF-8 byte order, as S3 does.
/// </summary>
public interface IObjectStore
{
    /// <summary>Human-readable location of a key (a path or an s3:// URI), for messages.</summary>
    string Describe(string key);

    /// <summary>Lists every object under <paramref name="prefix"/> in key order, paging internally.</summary>
    /// <param name="startAfter">Only keys strictly after this one are listed (S3 StartAfter).</param>
    IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, string? startAfter = null, CancellationToken cancellationToken = default);

    /// <summary>Metadata of one object, or null when it does not exist.</summary>
    Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Opens an object for streaming reads. Throws <see cref="ObjectNotFoundException"/> when absent.</summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Writes (or replaces) an object. The write is all-or-nothing.</summary>
    Task<ObjectInfo> PutAsync(string key, Stream content, CancellationToken cancellationToken);

    /// <summary>Writes an object only if no object has that key. Throws <see cref="PreconditionFailedException"/> otherwise.</summary>
    Task<ObjectInfo> PutIfAbsentAsync(string key, Stream content, CancellationToken cancellationToken);

    /// <summary>Replaces an object only if its current ETag is <paramref name="etag"/>. Throws <see cref="PreconditionFailedException"/> otherwise.</summary>
    Task<ObjectInfo> PutIfMatchAsync(string key, Stream content, string etag, CancellationToken cancellationToken);

    /// <summary>Deletes an object; deleting a missing object is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes an object only if its current ETag is <paramref name="etag"/> (S3 DeleteObject with If-Match).
    /// Throws <see cref="PreconditionFailedException"/> when it changed or no longer exists.
    /// </summary>
    Task DeleteIfMatchAsync(string key, string etag, CancellationToken cancellationToken);
}
