using System.Net;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.Aws.S3;

/// <summary>
/// An <see cref="IObjectStore"/> over one S3 bucket and key prefix. The prefix is added and stripped here, so
/// callers keep using lake keys (<c>silver/...</c>, <c>_pipeline/...</c>). Put-if-absent and put-if-match are S3
/// conditional writes (<c>If-None-Match: *</c>, <c>If-Match</c>) and delete-if-match a conditional DeleteObject: S3
/// answers 412, or 409 when two conditional writes to one key race, and both become <see cref="PreconditionFailedException"/>. Every write carries the
/// configured server-side encryption and every request the expected bucket owner. Transient errors are retried
/// by the SDK (standard retry mode, configured where the client is made).
/// </summary>
public sealed class S3ObjectStore : IObjectStore
{
    private readonly IAmazonS3 _s3;
    private readonly string _bucket;
    private readonly string _prefix;
    private readonly S3StoreSettings _settings;
    private readonly TimeProvider _time;

    public S3ObjectStore(IAmazonS3 s3, string bucket, string prefix, S3StoreSettings settings, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bucket);
        if (prefix.Length > 0 && !prefix.EndsWith('/')) throw new ArgumentException($"The key prefix '{prefix}' must be empty or end with '/'", nameof(prefix));
        if (settings.PartSize < 5 << 20 && settings.MultipartThreshold < long.MaxValue) throw new ArgumentOutOfRangeException(nameof(settings), settings.PartSize, "S3 parts are at least 5 MiB");
        _s3 = s3;
        _bucket = bucket;
        _prefix = prefix;
        _settings = settings;
        _time = time;
    }

    public string Bucket => _bucket;

    /// <summary>Keys per listing page; S3's maximum (1000) unless a test wants to see paging with few keys.</summary>
    internal int? PageSize { get; init; }

    public string Prefix => _prefix;

    public string Describe(string key) => $"s3://{_bucket}/{_prefix}{key}";

    /// <summary>The object key in the bucket (prefix included), for code that addresses S3 directly (job arguments).</summary>
    public string ObjectKey(string key) => _prefix + key;

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, string? startAfter = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = new ListObjectsV2Request
        {
            BucketName = _bucket,
            Prefix = _prefix + prefix,
            StartAfter = startAfter is null ? null : _prefix + startAfter,
            MaxKeys = PageSize,
            ExpectedBucketOwner = _settings.ExpectedBucketOwner,
        };
        do
        {
            var response = await _s3.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            foreach (var item in response.S3Objects ?? [])
            {
                yield return new ObjectInfo(item.Key[_prefix.Length..], item.Size ?? 0, Utc(item.LastModified), NormalizeETag(item.ETag));
            }
            request.ContinuationToken = response.IsTruncated == true ? response.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);
    }

    public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var head = await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest
            {
                BucketName = _bucket,
                Key = _prefix + key,
                ExpectedBucketOwner = _settings.ExpectedBucketOwner,
            }, cancellationToken).ConfigureAwait(false);
            return new ObjectInfo(key, head.ContentLength, Utc(head.LastModified), NormalizeETag(head.ETag));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _s3.GetObjectAsync(new GetObjectRequest
            {
                BucketName = _bucket,
                Key = _prefix + key,
                ExpectedBucketOwner = _settings.ExpectedBucketOwner,
            }, cancellationToken).ConfigureAwait(false);
            return new ResponseStream(response);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ObjectNotFoundException(key, Describe(key));
        }
    }

    public Task<ObjectInfo> PutAsync(string key, Stream content, CancellationToken cancellationToken) =>
        WriteAsync(key, content, Condition.None, cancellationToken);

    public Task<ObjectInfo> PutIfAbsentAsync(string key, Stream content, CancellationToken cancellationToken) =>
        WriteAsync(key, content, new Condition(IfNoneMatch: "*", IfMatch: null), cancellationToken);

    public Task<ObjectInfo> PutIfMatchAsync(string key, Stream content, string etag, CancellationToken cancellationToken) =>
        WriteAsync(key, content, new Condition(IfNoneMatch: null, IfMatch: "\"" + NormalizeETag(etag) + "\""), cancellationToken);

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        await _s3.DeleteObjectAsync(new DeleteObjectRequest
        {
            BucketName = _bucket,
            Key = _prefix + key,
            ExpectedBucketOwner = _settings.ExpectedBucketOwner,
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteIfMatchAsync(string key, string etag, CancellationToken cancellationToken)
    {
        var condition = new Condition(IfNoneMatch: null, IfMatch: "\"" + NormalizeETag(etag) + "\"");
        try
        {
            await _s3.DeleteObjectAsync(new DeleteObjectRequest
            {
                BucketName = _bucket,
                Key = _prefix + key,
                IfMatch = condition.IfMatch,
                ExpectedBucketOwner = _settings.ExpectedBucketOwner,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (IsConditionLost(e, condition))
        {
            throw ConditionLost(key, "delete", e);
        }
    }

    private async Task<ObjectInfo> WriteAsync(string key, Stream content, Condition condition, CancellationToken cancellationToken)
    {
        // Reading one byte past the threshold tells a small write from a large one without needing a seekable stream.
        var head = await ReadChunkAsync(content, (int)Math.Min(_settings.MultipartThreshold + 1, int.MaxValue), cancellationToken).ConfigureAwait(false);
        try
        {
            if (head.Length <= _settings.MultipartThreshold)
            {
                return await PutSingleAsync(key, head, condition, cancellationToken).ConfigureAwait(false);
            }
            return await PutMultipartAsync(key, head, content, condition, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (IsConditionLost(e, condition))
        {
            throw ConditionLost(key, "write", e);
        }
    }

    private async Task<ObjectInfo> PutSingleAsync(string key, byte[] bytes, Condition condition, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = _bucket,
            Key = _prefix + key,
            InputStream = new MemoryStream(bytes, writable: false),
            AutoCloseStream = true,
            IfNoneMatch = condition.IfNoneMatch,
            IfMatch = condition.IfMatch,
            ExpectedBucketOwner = _settings.ExpectedBucketOwner,
            ServerSideEncryptionMethod = EncryptionMethod(),
            ServerSideEncryptionKeyManagementServiceKeyId = _settings.KmsKeyId,
        };
        var response = await _s3.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
        return new ObjectInfo(key, bytes.Length, _time.GetUtcNow(), NormalizeETag(response.ETag));
    }

    private async Task<ObjectInfo> PutMultipartAsync(string key, byte[] head, Stream rest, Condition condition, CancellationToken cancellationToken)
    {
        var started = await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = _bucket,
            Key = _prefix + key,
            ExpectedBucketOwner = _settings.ExpectedBucketOwner,
            ServerSideEncryptionMethod = EncryptionMethod(),
            ServerSideEncryptionKeyManagementServiceKeyId = _settings.KmsKeyId,
        }, cancellationToken).ConfigureAwait(false);
        try
        {
            var parts = new List<PartETag>();
            long size = 0;
            var pending = head;
            var offset = 0;
            while (true)
            {
                // A part is cut from what was read ahead, topped up from the stream; the last part may be short.
                byte[] part;
                if (pending.Length - offset >= _settings.PartSize)
                {
                    part = pending.AsSpan(offset, _settings.PartSize).ToArray();
                    offset += _settings.PartSize;
                }
                else
                {
                    var more = await ReadChunkAsync(rest, _settings.PartSize - (pending.Length - offset), cancellationToken).ConfigureAwait(false);
                    part = [.. pending.AsSpan(offset), .. more];
                    pending = [];
                    offset = 0;
                }
                if (part.Length == 0) break;
                var uploaded = await _s3.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = _bucket,
                    Key = _prefix + key,
                    UploadId = started.UploadId,
                    PartNumber = parts.Count + 1,
                    InputStream = new MemoryStream(part, writable: false),
                    ExpectedBucketOwner = _settings.ExpectedBucketOwner,
                }, cancellationToken).ConfigureAwait(false);
                parts.Add(new PartETag(parts.Count + 1, uploaded.ETag));
                size += part.Length;
                if (part.Length < _settings.PartSize) break;
            }
            var completed = await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _bucket,
                Key = _prefix + key,
                UploadId = started.UploadId,
                PartETags = parts,
                IfNoneMatch = condition.IfNoneMatch,
                IfMatch = condition.IfMatch,
                ExpectedBucketOwner = _settings.ExpectedBucketOwner,
            }, cancellationToken).ConfigureAwait(false);
            return new ObjectInfo(key, size, _time.GetUtcNow(), NormalizeETag(completed.ETag));
        }
        catch
        {
            // An unfinished upload costs storage until aborted; the bucket's lifecycle rule is the backstop.
            try
            {
                await _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
                {
                    BucketName = _bucket,
                    Key = _prefix + key,
                    UploadId = started.UploadId,
                    ExpectedBucketOwner = _settings.ExpectedBucketOwner,
                }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (AmazonS3Exception)
            {
            }
            throw;
        }
    }

    private ServerSideEncryptionMethod EncryptionMethod() =>
        _settings.ServerSideEncryption == "aws:kms" ? ServerSideEncryptionMethod.AWSKMS : ServerSideEncryptionMethod.AES256;

    private PreconditionFailedException ConditionLost(string key, string operation, AmazonS3Exception e) =>
        new(key, $"{Describe(key)}: conditional {operation} lost ({e.ErrorCode}, HTTP {(int)e.StatusCode}: {e.Message})");

    private static bool IsConditionLost(AmazonS3Exception e, Condition condition) =>
        condition != Condition.None && (e.StatusCode == HttpStatusCode.PreconditionFailed
            || (e.StatusCode == HttpStatusCode.Conflict && e.ErrorCode == "ConditionalRequestConflict")
            // If-Match on a key that no longer exists: the object changed, as far as the caller is concerned.
            || (condition.IfMatch is not null && e.StatusCode == HttpStatusCode.NotFound));

    private static async Task<byte[]> ReadChunkAsync(Stream stream, int count, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var block = new byte[Math.Min(count, 1 << 16)];
        while (buffer.Length < count)
        {
            var read = await stream.ReadAsync(block.AsMemory(0, (int)Math.Min(block.Length, count - buffer.Length)), cancellationToken).ConfigureAwait(false);
            if (read == 0) break;
            buffer.Write(block, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>S3 quotes ETags; the manifest and the lease compare them as plain strings.</summary>
    internal static string NormalizeETag(string? etag) => (etag ?? "").Trim('"');

    private static DateTimeOffset Utc(DateTime? time) => time switch
    {
        null => DateTimeOffset.UnixEpoch,
        { Kind: DateTimeKind.Local } t => new DateTimeOffset(t.ToUniversalTime(), TimeSpan.Zero),
        { } t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc), TimeSpan.Zero),
    };

    private sealed record Condition(string? IfNoneMatch, string? IfMatch)
    {
        public static readonly Condition None = new(null, null);
    }

    /// <summary>The body of a GetObject response; disposing it releases the HTTP response too.</summary>
    private sealed class ResponseStream(GetObjectResponse response) : ReadOnlyStream
    {
        private readonly Stream _inner = response.ResponseStream;

        public override long Length => response.ContentLength;
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => _inner.Read(buffer);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.ReadAsync(buffer, offset, count, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
                response.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
