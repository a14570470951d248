using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Storage;

public sealed class LocalObjectStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly LocalObjectStore _store;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public LocalObjectStoreTests() => _store = new LocalObjectStore(_dir.Path);

    public void Dispose() => _dir.Dispose();

    private static MemoryStream Text(string value) => new(Encoding.UTF8.GetBytes(value));

    private async Task<string> ReadAsync(string key)
    {
        await using var stream = await _store.OpenReadAsync(key, Ct);
        return await new StreamReader(stream).ReadToEndAsync(Ct);
    }

    [Fact]
    public async Task PutIfAbsent_KeyExists_ThrowsAndKeepsOriginal()
    {
        await _store.PutIfAbsentAsync("a/b.json", Text("first"), Ct);

        await Assert.ThrowsAsync<PreconditionFailedException>(() => _store.PutIfAbsentAsync("a/b.json", Text("second"), Ct));
        Assert.Equal("first", await ReadAsync("a/b.json"));
    }

    [Fact]
    public async Task PutIfAbsent_ManyConcurrentWriters_ExactlyOneWins()
    {
        var winners = await CountWinnersAsync(32, i => _store.PutIfAbsentAsync("race.json", Text($"writer {i}"), Ct));

        Assert.Equal(1, winners);
    }

    [Fact]
    public async Task PutIfMatch_CurrentETag_ReplacesAndStaleETagFails()
    {
        var first = await _store.PutIfAbsentAsync("lease.json", Text("v1"), Ct);
        var second = await _store.PutIfMatchAsync("lease.json", Text("v2"), first.ETag, Ct);

        await Assert.ThrowsAsync<PreconditionFailedException>(() => _store.PutIfMatchAsync("lease.json", Text("v3"), first.ETag, Ct));
        Assert.Equal("v2", await ReadAsync("lease.json"));
        Assert.NotEqual(first.ETag, second.ETag);
    }

    [Fact]
    public async Task PutIfMatch_ConcurrentRenewals_ExactlyOneWins()
    {
        var current = await _store.PutIfAbsentAsync("lease.json", Text("v0"), Ct);

        var winners = await CountWinnersAsync(16, i => _store.PutIfMatchAsync("lease.json", Text($"v{i + 1}"), current.ETag, Ct));

        Assert.Equal(1, winners);
    }

    /// <summary>Runs conditional writes at once and counts those that were not refused.</summary>
    private static async Task<int> CountWinnersAsync(int writers, Func<int, Task> write)
    {
        var results = await Task.WhenAll(Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            try
            {
                await write(i);
                return true;
            }
            catch (PreconditionFailedException)
            {
                return false;
            }
        }, Ct)));
        return results.Count(won => won);
    }

    [Fact]
    public async Task List_PrefixAndStartAfter_ReturnsKeysInOrder()
    {
        foreach (var key in new[] { "raw/b/2.csv", "raw/a/1.csv", "raw/a/10.csv", "other/x.csv", "raw/c/\U0001F600.csv", "raw/c/\uFF21.csv" })
        {
            await _store.PutAsync(key, Text(key), Ct);
        }

        var all = await _store.ListAsync("raw/", cancellationToken: Ct).Select(o => o.Key).ToListAsync(Ct);
        var after = await _store.ListAsync("raw/", "raw/a/10.csv", Ct).Select(o => o.Key).ToListAsync(Ct);

        Assert.Equal(["raw/a/1.csv", "raw/a/10.csv", "raw/b/2.csv", "raw/c/\uFF21.csv", "raw/c/\U0001F600.csv"], all);
        Assert.Equal(["raw/b/2.csv", "raw/c/\uFF21.csv", "raw/c/\U0001F600.csv"], after);
    }

    [Fact]
    public async Task List_ETag_IsContentHashAndChangesWithContent()
    {
        await _store.PutAsync("raw/a.csv", Text("same"), Ct);
        await _store.PutAsync("raw/b.csv", Text("same"), Ct);
        var before = await _store.ListAsync("raw/", cancellationToken: Ct).ToListAsync(Ct);

        await File.WriteAllTextAsync(_store.PathOf("raw/a.csv"), "changed", Ct);
        var after = await new LocalObjectStore(_dir.Path).ListAsync("raw/", cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal(before[0].ETag, before[1].ETag);
        Assert.NotEqual(before[0].ETag, after[0].ETag);
        Assert.Equal(before[1].ETag, after[1].ETag);
    }

    [Fact]
    public async Task Head_WriteOncePrefix_WeakETagFromSizeAndWriteTimeWithoutHashOrCacheEntry()
    {
        var store = new LocalObjectStore(_dir.Path, ["gold/"]);
        await File.WriteAllTextAsync(_dir.Combine("raw.csv"), "content", Ct);
        await store.ListAsync("raw", cancellationToken: Ct).ToListAsync(Ct); // writes the cache with the raw file's hash
        Directory.CreateDirectory(_dir.Combine("gold"));
        await File.WriteAllTextAsync(_dir.Combine("gold", "part-1.parquet"), "content", Ct);
        var first = await store.HeadAsync("gold/part-1.parquet", Ct);

        // Same size and write time, other bytes: the ETag is not a hash of them.
        var mtime = File.GetLastWriteTimeUtc(_dir.Combine("gold", "part-1.parquet"));
        await File.WriteAllTextAsync(_dir.Combine("gold", "part-1.parquet"), "CONTENT", Ct);
        File.SetLastWriteTimeUtc(_dir.Combine("gold", "part-1.parquet"), mtime);
        var listed = await store.ListAsync("gold/", cancellationToken: Ct).SingleAsync(Ct);
        await File.WriteAllTextAsync(_dir.Combine("gold", "part-1.parquet"), "longer content", Ct);
        var changed = await store.HeadAsync("gold/part-1.parquet", Ct);

        Assert.Equal($"W/\"7-{new DateTimeOffset(mtime, TimeSpan.Zero).UtcTicks}\"", first!.ETag);
        Assert.Equal(first.ETag, listed.ETag);
        Assert.NotEqual(first.ETag, changed!.ETag);
        Assert.Equal((await _store.HeadAsync("raw.csv", Ct))!.ETag, (await store.HeadAsync("raw.csv", Ct))!.ETag); // other keys: content hashes
        Assert.DoesNotContain("gold/", await File.ReadAllTextAsync(_dir.Combine("_pipeline", "cache", "etags.json"), Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddPipeline_LocalLake_DataFilesGetWeakETagsAndRawFilesContentHashes()
    {
        using var services = PipelineServices.Create(_dir.Path);
        var stores = services.GetRequiredService<LakeStores>();
        foreach (var key in LakeLayout.DataPrefixes.Select(p => p + "x/part-1.parquet").Prepend("raw/artists/d1/a.csv"))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_dir.Combine(key))!);
            await File.WriteAllTextAsync(_dir.Combine(key), "content", Ct);
        }

        Assert.Equal((await _store.HeadAsync("raw/artists/d1/a.csv", Ct))!.ETag, (await stores.Raw.HeadAsync("raw/artists/d1/a.csv", Ct))!.ETag);
        foreach (var prefix in LakeLayout.DataPrefixes)
        {
            Assert.StartsWith("W/", (await stores.Lake.HeadAsync(prefix + "x/part-1.parquet", Ct))!.ETag, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task List_UnchangedFilesInNewProcess_UsesPersistedCache()
    {
        await File.WriteAllTextAsync(_dir.Combine("x.csv"), "content", Ct);
        var first = await _store.ListAsync("x", cancellationToken: Ct).SingleAsync(Ct);

        // A cached ETag is trusted while size and write time are unchanged, so the body is not read again.
        var mtime = File.GetLastWriteTimeUtc(_dir.Combine("x.csv"));
        await File.WriteAllTextAsync(_dir.Combine("x.csv"), "CONTENT", Ct);
        File.SetLastWriteTimeUtc(_dir.Combine("x.csv"), mtime);
        var second = await new LocalObjectStore(_dir.Path).ListAsync("x", cancellationToken: Ct).SingleAsync(Ct);

        Assert.Equal(first.ETag, second.ETag);
    }

    [Fact]
    public async Task List_AfterPutOfPipelineDocument_LeavesCacheFileAlone()
    {
        await File.WriteAllTextAsync(_dir.Combine("x.csv"), "content", Ct);
        await _store.ListAsync("x", cancellationToken: Ct).ToListAsync(Ct);
        var cache = _dir.Combine("_pipeline", "cache", "etags.json");
        var before = await File.ReadAllTextAsync(cache, Ct);

        var lease = await _store.PutAsync("_pipeline/lease.json", Text("{}"), Ct);
        await _store.ListAsync("x", cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal(before, await File.ReadAllTextAsync(cache, Ct));
        Assert.Equal(lease.ETag, (await new LocalObjectStore(_dir.Path).HeadAsync("_pipeline/lease.json", Ct))!.ETag);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/abs")]
    [InlineData("a//b")]
    [InlineData("a\\b")]
    public async Task Put_InvalidKey_Throws(string key) =>
        await Assert.ThrowsAsync<ArgumentException>(() => _store.PutAsync(key, Text("x"), Ct));

    [Fact]
    public async Task OpenRead_Missing_ThrowsNotFound() =>
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => _store.OpenReadAsync("missing", Ct));

    [Fact]
    public void Compare_KeyOrder_FollowsCodePoints()
    {
        Assert.True(KeyOrder.Instance.Compare("\uFF21", "\U0001F600") < 0);
        Assert.True(string.CompareOrdinal("\uFF21", "\U0001F600") > 0);
    }
}
