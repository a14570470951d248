namespace SpotifyWorker.Pipeline.Aws.S3;

/// <summary>
/// What every request of an <see cref="S3ObjectStore"/> carries, and where large writes switch to multipart.
/// </summary>
/// <param name="ServerSideEncryption">AES256 or aws:kms, sent on every write.</param>
/// <param name="KmsKeyId">The KMS key of aws:kms, if not the bucket's default.</param>
/// <param name="ExpectedBucketOwner">Account id sent on every request, if set.</param>
/// <param name="MultipartThreshold">Writes larger than this are uploaded in parts (S3 takes at most 5 GB in one PUT).</param>
/// <param name="PartSize">Size of each part but the last; S3 needs at least 5 MiB.</param>
public sealed record S3StoreSettings(
    string ServerSideEncryption = "AES256",
    string? KmsKeyId = null,
    string? ExpectedBucketOwner = null,
    long MultipartThreshold = 16L << 20,
    int PartSize = 8 << 20)
{
    public static S3StoreSettings From(AwsOptions options) => new(options.ServerSideEncryption, options.KmsKeyId, options.ExpectedBucketOwner);
}
