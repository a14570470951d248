using System.Collections.Concurrent;
using System.Text.Json;

namespace SpotifyWorker.Pipeline.Storage;

/// <summary>
/// Content hashes of local files keyed by (key, size, last-write ticks), persisted beside the lake so
/// that a new process (run-once, plan, status) does not re-read every raw file to learn its ETag.
/// It is only a cache: a missing, stale or unreadable file costs a re-hash, never a wrong answer,
/// because a changed file changes its size or its write time.
/// </summary>
internal sealed class LocalETagCache(string path)
{
    private readonly Lazy<ConcurrentDictionary<string, Entry>> _entries = new(() => Load(path));
    private int _dirty;

    public string? Get(string key, long size, long ticks) =>
        _entries.Value.TryGetValue(key, out var entry) && entry.Size == size && entry.Ticks == ticks ? entry.ETag : null;

    public void Set(string key, long size, long ticks, string etag)
    {
        _entries.Value[key] = new Entry(size, ticks, etag);
        Interlocked.Exchange(ref _dirty, 1);
    }

    public void Forget(string key)
    {
        if (_entries.IsValueCreated && _entries.Value.TryRemove(key, out _)) Interlocked.Exchange(ref _dirty, 1);
    }

    /// <summary>Writes the cache if it changed; best effort, since losing it only costs time.</summary>
    public void Save()
    {
        if (Interlocked.Exchange(ref _dirty, 0) == 0) return;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(_entries.Value, StoreJson.Plain));
            File.Move(temp, path, overwrite: true);
        }
        catch (IOException)
        {
            Interlocked.Exchange(ref _dirty, 1);
        }
        catch (UnauthorizedAccessException)
        {
            Interlocked.Exchange(ref _dirty, 1);
        }
    }

    private static ConcurrentDictionary<string, Entry> Load(string path)
    {
        try
        {
            if (File.Exists(path))
            {
                return JsonSerializer.Deserialize<ConcurrentDictionary<string, Entry>>(File.ReadAllBytes(path), StoreJson.Plain) ?? new();
            }
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            // A torn or foreign cache file is rebuilt from the files themselves.
        }
        return new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);
    }

    internal sealed record Entry(long Size, long Ticks, string ETag);
}
