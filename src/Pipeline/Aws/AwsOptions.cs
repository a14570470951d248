using System.ComponentModel.DataAnnotations;

namespace SpotifyWorker.Pipeline.Aws;

/// <summary>
/// The AWS backend (section <c>Pipeline:Aws</c>), used when <c>Pipeline:Backend=aws</c>. Credentials are not
/// configured here: they come from the SDK's default chain (environment, profile, ECS task role).
/// Buckets, Glue names and the region are required only with the aws backend (see <see cref="AwsOptionsValidator"/>).
/// </summary>
public sealed class AwsOptions
{
    public const string Section = "Pipeline:Aws";

    /// <summary>AWS region, e.g. eu-west-1. Default: the SDK's region chain (AWS_REGION, which ECS sets; then the profile).</summary>
    public string? Region { get; set; }

    /// <summary>Endpoint override for S3, Glue and Athena (moto, LocalStack), e.g. http://127.0.0.1:5000. Default: none (the real AWS endpoints).</summary>
    [Url]
    public string? ServiceUrl { get; set; }

    /// <summary>Path-style S3 addressing (bucket in the path, not the host name); emulators need it. Default false.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>Bucket where raw drops land, under <c>Pipeline:RawPrefix</c> (see <see cref="Transform.RawKeys"/>). Required.</summary>
    public string? RawBucket { get; set; }

    /// <summary>Bucket of the lake: silver/, quarantine/, gold/ and _pipeline/. Required.</summary>
    public string? LakeBucket { get; set; }

    /// <summary>Key prefix of the lake inside <see cref="LakeBucket"/>, empty or ending with '/'. Default "" (the bucket root).</summary>
    [RegularExpression("^([^/].*/)?$", ErrorMessage = "must be empty or end with '/' and not start with '/', like lake/")]
    public string LakePrefix { get; set; } = "";

    /// <summary>Server-side encryption of every object written: AES256 (SSE-S3) or aws:kms (SSE-KMS). Default AES256.</summary>
    [RegularExpression("^(AES256|aws:kms)$", ErrorMessage = "must be AES256 or aws:kms")]
    public string ServerSideEncryption { get; set; } = "AES256";

    /// <summary>KMS key id or ARN for aws:kms. Default: none (the bucket's or the account's aws/s3 key).</summary>
    public string? KmsKeyId { get; set; }

    /// <summary>Account id that must own both buckets; sent on every S3 request so a bucket taken over by another account is refused. Default: not checked.</summary>
    [RegularExpression("^[0-9]{12}$", ErrorMessage = "must be a 12-digit AWS account id")]
    public string? ExpectedBucketOwner { get; set; }

    /// <summary>Name of the Glue ETL job that runs deploy/glue/spotify_etl.py. Required.</summary>
    public string? GlueJobName { get; set; }

    /// <summary>Name of the Glue crawler over the gold prefix. Required.</summary>
    public string? GlueCrawlerName { get; set; }

    /// <summary>Glue Data Catalog database the crawler writes and Athena reads. Required.</summary>
    public string? GlueDatabase { get; set; }

    /// <summary>Glue table of the gold data (the crawler names it after the gold folder). Default spotify_tracks.</summary>
    [Required(AllowEmptyStrings = false)]
    public string GlueTable { get; set; } = "spotify_tracks";

    /// <summary>Athena workgroup for views and queries (its bytes-scanned cutoff applies). Default primary.</summary>
    [Required(AllowEmptyStrings = false)]
    public string AthenaWorkGroup { get; set; } = "primary";

    /// <summary>s3:// location of Athena results. Default: none (the workgroup's own output location).</summary>
    [RegularExpression("^s3://[^/]+(/.*)?$", ErrorMessage = "must be an s3:// URI such as s3://my-athena-results/spotify/")]
    public string? AthenaOutputLocation { get; set; }

    /// <summary>Longest wait between two status polls of a Glue job run, crawl or Athena query; polls start faster and back off to this. Default 15 seconds.</summary>
    public TimeSpan JobPollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a batch waits for its Glue job run before it fails. Default 2 hours.</summary>
    public TimeSpan JobTimeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How long the catalog refresh waits for the crawler (including a crawl already running). Default 30 minutes.</summary>
    public TimeSpan CrawlerTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long one Athena statement (a view or a query) may run. Default 10 minutes.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Retries of transient AWS errors (section <c>Pipeline:Aws:Retry</c>).</summary>
    public AwsRetryOptions Retry { get; set; } = new();
}

/// <summary>
/// Retries of transient AWS errors (throttling, 5xx, timeouts, connection resets) with jittered exponential
/// backoff. Permanent errors (access denied, validation) are never retried.
/// </summary>
public sealed class AwsRetryOptions
{
    /// <summary>Most attempts of one request, the first included. Default 8.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Backoff before the first retry; it doubles (with jitter) per retry. Default 200 ms.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest backoff between two attempts. Default 20 seconds.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Longest time one request may take over all its attempts; no retry starts after it. Default 2 minutes.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Longest time one attempt may take before it counts as a (transient) timeout. Default 1 minute.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(1);
}
