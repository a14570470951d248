using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using SpotifyWorker.Pipeline.Aws.S3;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.Aws.Support;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Aws;

/// <summary>The S3 object store against moto: paging, conditional writes, multipart, encryption, the lake prefix.</summary>
public sealed class S3ObjectStoreTests(MotoServer moto) : MotoTest(moto)
{
    private S3ObjectStore Store(string prefix = "", S3StoreSettings? settings = null, int? pageSize = null) =>
        new(Aws.S3, MotoAws.LakeBucket, prefix, settings ?? new S3StoreSettings(), TimeProvider.System) { PageSize = pageSize };

    private static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));

    private static async Task<string> ReadAsync(IObjectStore store, string key)
    {
        await using var stream = await store.OpenReadAsync(key, Ct);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(Ct);
    }

    [Fact]
    public async Task ListAsync_MoreKeysThanOnePage_ListsEveryKeyInOrderAndHonoursStartAfter()
    {
        var store = Store(pageSize: 7);
        var keys = Enumerable.Range(0, 30).Select(i => $"_pipeline/log/{i:D20}.json").ToList();
        foreach (var key in keys) await store.PutAsync(key, Text(key), Ct);
        await store.PutAsync("_pipeline/other.json", Text("x"), Ct);

        var listed = await store.ListAsync("_pipeline/log/", cancellationToken: Ct).Select(i => i.Key).ToListAsync(Ct);
        var after = await store.ListAsync("_pipeline/log/", keys[22], Ct).Select(i => i.Key).ToListAsync(Ct);

        Assert.Equal(keys, listed);
        Assert.Equal(keys[23..], after);
    }

    [Fact]
    public async Task PutIfAbsentAsync_EightWritersRace_ExactlyOneWins()
    {
        var store = Store();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await store.PutIfAbsentAsync("_pipeline/log/00000000000000000001.json", Text($"writer {i}"), Ct);
                return (Writer: i, Won: true);
            }
            catch (PreconditionFailedException)
            {
                return (Writer: i, Won: false);
            }
        }));

        var winner = Assert.Single(outcomes, o => o.Won);
        Assert.Equal($"writer {winner.Writer}", await ReadAsync(store, "_pipeline/log/00000000000000000001.json"));
    }

    [Fact]
    public async Task PutIfMatchAsync_StaleOrMissingETag_ThrowsAndCurrentETagReplaces()
    {
        var store = Store();
        var first = await store.PutIfAbsentAsync("_pipeline/lease.json", Text("one"), Ct);
        var second = await store.PutIfMatchAsync("_pipeline/lease.json", Text("two"), first.ETag, Ct);

        await Assert.ThrowsAsync<PreconditionFailedException>(() => store.PutIfMatchAsync("_pipeline/lease.json", Text("stale"), first.ETag, Ct));
        await Assert.ThrowsAsync<PreconditionFailedException>(() => store.PutIfMatchAsync("_pipeline/missing.json", Text("x"), first.ETag, Ct));
        Assert.Equal("two", await ReadAsync(store, "_pipeline/lease.json"));
        Assert.Equal(second.ETag, (await store.HeadAsync("_pipeline/lease.json", Ct))!.ETag);
    }

    [Fact]
    public async Task PutAsync_LargerThanThreshold_UploadsInPartsAndReadsBackWhole()
    {
        var store = Store(settings: new S3StoreSettings(MultipartThreshold: 6 << 20, PartSize: 5 << 20));
        var bytes = RandomNumberGenerator.GetBytes((12 << 20) + 12345);

        var written = await store.PutAsync("silver/tracks/batch=1/part-big.parquet", new NonSeekableStream(bytes), Ct);

        Assert.EndsWith("-3", written.ETag, StringComparison.Ordinal); // S3's multipart ETag: <md5 of part md5s>-<parts>
        Assert.Equal(bytes.Length, written.Size);
        await using var read = await store.OpenReadAsync("silver/tracks/batch=1/part-big.parquet", Ct);
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy, Ct);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task PutIfAbsentAsync_MultipartOnExistingKey_Throws()
    {
        var store = Store(settings: new S3StoreSettings(MultipartThreshold: 6 << 20, PartSize: 5 << 20));
        await store.PutAsync("gold/x.parquet", Text("small"), Ct);

        await Assert.ThrowsAsync<PreconditionFailedException>(() => store.PutIfAbsentAsync("gold/x.parquet", new MemoryStream(new byte[7 << 20]), Ct));
        Assert.Equal("small", await ReadAsync(store, "gold/x.parquet"));
    }

    [Fact]
    public async Task PutAsync_Always_SendsServerSideEncryption()
    {
        await Store().PutAsync("a.json", Text("{}"), Ct);
        await Store(settings: new S3StoreSettings("aws:kms", "alias/spotify")).PutAsync("b.json", Text("{}"), Ct);

        var sseS3 = await Aws.S3.GetObjectMetadataAsync(MotoAws.LakeBucket, "a.json", Ct);
        var sseKms = await Aws.S3.GetObjectMetadataAsync(MotoAws.LakeBucket, "b.json", Ct);

        Assert.Equal(ServerSideEncryptionMethod.AES256, sseS3.ServerSideEncryptionMethod);
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, sseKms.ServerSideEncryptionMethod);
        Assert.Contains("alias/spotify", sseKms.ServerSideEncryptionKeyManagementServiceKeyId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Store_WithLakePrefix_KeepsKeysRelativeAndDescribesFullUri()
    {
        var store = Store("lake/");
        await store.PutAsync("silver/artists/batch=1/part-a.parquet", Text("a"), Ct);

        var raw = await Aws.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = MotoAws.LakeBucket }, Ct);
        var listed = await store.ListAsync("silver/", cancellationToken: Ct).Select(i => i.Key).ToListAsync(Ct);

        Assert.Equal(["lake/silver/artists/batch=1/part-a.parquet"], raw.S3Objects.Select(o => o.Key));
        Assert.Equal(["silver/artists/batch=1/part-a.parquet"], listed);
        Assert.Equal("s3://spotify-lake/lake/silver/x", store.Describe("silver/x"));
    }

    [Fact]
    public async Task HeadAndOpen_MissingKey_ReturnNullAndThrowObjectNotFound()
    {
        var store = Store();

        Assert.Null(await store.HeadAsync("nope.json", Ct));
        var e = await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.OpenReadAsync("nope.json", Ct));
        Assert.Contains("s3://spotify-lake/nope.json", e.Message, StringComparison.Ordinal);
        await store.DeleteAsync("nope.json", Ct); // deleting a missing object is not an error
    }

    [Fact]
    public async Task HeadAndList_SameObject_AgreeOnETagAndSize()
    {
        var store = Store();
        var put = await store.PutAsync("raw/tracks/a.csv", Text("id,track_popularity,explicit\n"), Ct);

        var head = await store.HeadAsync("raw/tracks/a.csv", Ct);
        var listed = await store.ListAsync("raw/", cancellationToken: Ct).SingleAsync(Ct);

        Assert.Equal(put.ETag, head!.ETag);
        Assert.Equal(put.ETag, listed.ETag);
        Assert.DoesNotContain('"', listed.ETag);
        Assert.Equal(head.Size, listed.Size);
    }

    /// <summary>A stream that cannot seek or tell its length, like a pipe: the store must not rely on either.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
    }
}
