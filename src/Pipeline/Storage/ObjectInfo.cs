namespace SpotifyWorker.Pipeline.Storage;

/// <summary>What a listing says about one object. The ETag changes whenever the content does.</summary>
public sealed record ObjectInfo(string Key, long Size, DateTimeOffset LastModified, string ETag);
