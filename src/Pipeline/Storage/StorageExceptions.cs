namespace SpotifyWorker.Pipeline.Storage;

/// <summary>A conditional write lost: the object exists (put-if-absent) or changed (put-if-match). HTTP 412 on S3.</summary>
public sealed class PreconditionFailedException(string key, string message) : Exception(message)
{
    public string Key { get; } = key;
}

/// <summary>The object does not exist.</summary>
public sealed class ObjectNotFoundException(string key, string location) : Exception($"Object not found: {location}")
{
    public string Key { get; } = key;
}
