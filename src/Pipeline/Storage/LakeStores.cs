namespace SpotifyWorker.Pipeline.Storage;

/// <summary>
/// Where raw files are read and where the lake lives. On the local backend both are one folder
/// (raw/ is a prefix of the lake); on AWS they are the raw bucket and the lake bucket.
/// </summary>
public sealed record LakeStores(IObjectStore Raw, string RawPrefix, IObjectStore Lake);
