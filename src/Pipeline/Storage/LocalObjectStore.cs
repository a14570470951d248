using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace SpotifyWorker.Pipeline.Storage;

/// <summary>
/// An <see cref="IObjectStore"/> over a local folder. Every write goes to a temp file first and is
/// renamed into place, so readers never see half a file. Put-if-absent is an atomic no-replace
/// rename (a hard link that fails when the target exists);
/// put-if-match (and delete-if-match) compares and renames (deletes) under an exclusive lock file. ETags are content hashes, cached
/// by (key, size, last-write time) so that listing unchanged files reads no file bodies, except under the write-once
/// prefixes the store is given, where they are weak ETags made of size and last-write time.
/// </summary>
public sealed class LocalObjectStore : IObjectStore
{
    internal const string TempPrefix = "_pipeline/tmp/";
    private const string MetadataPrefix = "_pipeline/";
    private readonly string _root;
    private readonly LocalETagCache _etags;
    private readonly IReadOnlyList<string> _writeOncePrefixes;

    /// <param name="writeOncePrefixes">
    /// Prefixes whose objects are written once under unique keys and never compared by ETag (the lake's data files):
    /// their ETag is <c>W/"size-ticks"</c>, taken without reading the file. Hashing them cost the commit of a scale-10
    /// batch about 0.4 s (its verification heads every new silver and gold file, 600 MB), and the listing of the
    /// garbage collector a cache entry per file. Raw files and the worker's documents keep content hashes: the
    /// manifest tells a re-sent raw file by its hash, and the lease and the log compare theirs.
    /// </param>
    public LocalObjectStore(string root, IReadOnlyList<string>? writeOncePrefixes = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
        _etags = new LocalETagCache(Path.Combine(_root, "_pipeline", "cache", "etags.json"));
        _writeOncePrefixes = writeOncePrefixes ?? [];
    }

    /// <summary>Absolute path of the lake folder.</summary>
    public string Root => _root;

    public string Describe(string key) => Path.Join(_root, key);

    /// <summary>Absolute path of a key; the DuckDB engine reads and writes lake files by path.</summary>
    public string PathOf(string key)
    {
        ValidateKey(key);
        return Path.Join(_root, key);
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, string? startAfter = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var slash = prefix.LastIndexOf('/');
        var directory = slash < 0 ? _root : Path.Join(_root, prefix[..slash]);
        if (!Directory.Exists(directory)) yield break;

        var keys = new List<(string Key, FileInfo File)>();
        foreach (var path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            var key = Path.GetRelativePath(_root, path).Replace(Path.DirectorySeparatorChar, '/');
            if (!key.StartsWith(prefix, StringComparison.Ordinal) || key.StartsWith(TempPrefix, StringComparison.Ordinal)) continue;
            if (startAfter is not null && KeyOrder.Instance.Compare(key, startAfter) <= 0) continue;
            keys.Add((key, new FileInfo(path)));
        }
        keys.Sort((a, b) => KeyOrder.Instance.Compare(a.Key, b.Key));

        // New files are hashed a core each: a first load's three raw files took the scan 0.8x the time at scale 1.
        var infos = new ObjectInfo?[keys.Count];
        await Parallel.ForAsync(0, keys.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            try
            {
                infos[i] = await InfoAsync(keys[i].Key, keys[i].File, ct).ConfigureAwait(false);
            }
            catch (FileNotFoundException)
            {
                // deleted between enumeration and hashing
            }
        }).ConfigureAwait(false);
        foreach (var info in infos)
        {
            if (info is not null) yield return info;
        }
        _etags.Save();
    }

    public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        var file = new FileInfo(PathOf(key));
        if (!file.Exists) return null;
        try
        {
            return await InfoAsync(key, file, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        try
        {
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(key, path);
        }
    }

    public async Task<ObjectInfo> PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        var (temp, etag) = await WriteTempAsync(content, durable: false, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Move(temp, path, overwrite: true);
        return Remember(key, path, etag);
    }

    public async Task<ObjectInfo> PutIfAbsentAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        var (temp, etag) = await WriteTempAsync(content, durable: true, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!NoReplaceRename.TryMove(temp, path))
        {
            File.Delete(temp);
            throw new PreconditionFailedException(key, $"{path} already exists (put-if-absent lost)");
        }
        return Remember(key, path, etag);
    }

    public async Task<ObjectInfo> PutIfMatchAsync(string key, Stream content, string etag, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        var (temp, newETag) = await WriteTempAsync(content, durable: true, cancellationToken).ConfigureAwait(false);
        try
        {
            await using var guard = await AcquireLockAsync(key, cancellationToken).ConfigureAwait(false);
            var current = File.Exists(path) ? await HashFileAsync(path, cancellationToken).ConfigureAwait(false) : null;
            if (current != etag)
            {
                throw new PreconditionFailedException(key, $"{path} has ETag {current ?? "(none)"}, expected {etag} (put-if-match lost)");
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return Remember(key, path, newETag);
    }

    public async Task DeleteIfMatchAsync(string key, string etag, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        // The same lock as put-if-match, so a delete and a replace of one key never interleave.
        await using (await AcquireLockAsync(key, cancellationToken).ConfigureAwait(false))
        {
            var current = File.Exists(path) ? await HashFileAsync(path, cancellationToken).ConfigureAwait(false) : null;
            if (current != etag)
            {
                throw new PreconditionFailedException(key, $"{path} has ETag {current ?? "(none)"}, expected {etag} (delete-if-match lost)");
            }
            File.Delete(path);
        }
        _etags.Forget(key);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        File.Delete(path);
        _etags.Forget(key);
        RemoveEmptyParents(Path.GetDirectoryName(path));
        return Task.CompletedTask;
    }

    // Keys have no folders, so a folder emptied by deletes (an old gold partition) should not linger.
    private void RemoveEmptyParents(string? directory)
    {
        while (directory is not null && directory.Length > _root.Length && Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
        {
            try
            {
                Directory.Delete(directory);
            }
            catch (IOException)
            {
                return; // a writer put a file there meanwhile
            }
            directory = Path.GetDirectoryName(directory);
        }
    }

    private async Task<ObjectInfo> InfoAsync(string key, FileInfo file, CancellationToken cancellationToken)
    {
        var size = file.Length;
        var modified = new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero);
        if (IsWriteOnce(key)) return new ObjectInfo(key, size, modified, WeakETag(size, modified.UtcTicks));
        var etag = Cacheable(key) ? _etags.Get(key, size, modified.UtcTicks) : null;
        if (etag is null)
        {
            etag = await HashFileAsync(file.FullName, cancellationToken).ConfigureAwait(false);
            if (Cacheable(key)) _etags.Set(key, size, modified.UtcTicks, etag);
        }
        return new ObjectInfo(key, size, modified, etag);
    }

    private ObjectInfo Remember(string key, string path, string etag)
    {
        var file = new FileInfo(path);
        var modified = new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero);
        if (IsWriteOnce(key)) return new ObjectInfo(key, file.Length, modified, WeakETag(file.Length, modified.UtcTicks));
        if (Cacheable(key)) _etags.Set(key, file.Length, modified.UtcTicks, etag);
        return new ObjectInfo(key, file.Length, modified, etag);
    }

    private bool IsWriteOnce(string key) => _writeOncePrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));

    private static string WeakETag(long size, long ticks) =>
        string.Create(CultureInfo.InvariantCulture, $"W/\"{size}-{ticks}\"");

    // The worker's own documents (lease, log entries, run records, checkpoints) are written every run and read a few
    // at a time: hashing one again costs about a millisecond at most, while caching them made every run, a no-op
    // too, rewrite the whole cache after its first put (1.2 MB at 10,000 raw files). The cache is for raw and data files.
    private static bool Cacheable(string key) => !key.StartsWith(MetadataPrefix, StringComparison.Ordinal);

    private async Task<(string Path, string ETag)> WriteTempAsync(Stream content, bool durable, CancellationToken cancellationToken)
    {
        var directory = Path.Join(_root, TempPrefix);
        Directory.CreateDirectory(directory);
        var temp = Path.Join(directory, Guid.NewGuid().ToString("N"));
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
                if (durable) file.Flush(flushToDisk: true);
            }
            return (temp, FormatETag(hash.GetHashAndReset()));
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    internal static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return FormatETag(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }

    // 128 bits of SHA-256 are plenty to tell versions of one key apart and keep the manifest small.
    private static string FormatETag(byte[] hash) => Convert.ToHexStringLower(hash, 0, 16);

    private async Task<IAsyncDisposable> AcquireLockAsync(string key, CancellationToken cancellationToken)
    {
        var directory = Path.Join(_root, TempPrefix, "locks");
        Directory.CreateDirectory(directory);
        var lockPath = Path.Join(directory, Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)), 0, 16) + ".lock");
        var delay = TimeSpan.FromMilliseconds(2);
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive advisory lock (flock) on Unix: other processes wait here too.
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(100).Ticks));
            }
        }
    }

    private static void ValidateKey(string key)
    {
        if (string.IsNullOrEmpty(key) || key[0] == '/' || key.Contains('\\', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Invalid object key '{key}': keys are relative, '/'-separated paths", nameof(key));
        }
        foreach (var segment in key.Split('/'))
        {
            if (segment is "" or "." or "..")
            {
                throw new ArgumentException($"Invalid object key '{key}': empty, '.' or '..' segment", nameof(key));
            }
        }
    }
}
