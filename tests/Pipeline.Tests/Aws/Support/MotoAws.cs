using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging.Abstractions;
using SpotifyWorker.Pipeline.Aws;
using SpotifyWorker.Pipeline.Aws.Athena;
using SpotifyWorker.Pipeline.Aws.Glue;
using SpotifyWorker.Pipeline.Aws.Http;

namespace SpotifyWorker.Pipeline.Tests.Aws.Support;

/// <summary>
/// Settings and clients for an account on moto (or through a proxy in front of it), and the resources the
/// deployment would create: buckets, the Glue database, table, job and crawler, the Athena workgroup.
/// </summary>
public sealed class MotoAws
{
    public const string RawBucket = "spotify-raw";
    public const string LakeBucket = "spotify-lake";
    public const string JobName = "spotify-etl";
    public const string CrawlerName = "spotify-gold";
    public const string Database = "spotify";
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public MotoAws(string endpoint, string lakePrefix = "", Action<AwsOptions>? configure = null)
    {
        Options = new AwsOptions
        {
            Region = MotoServer.Region,
            ServiceUrl = endpoint,
            ForcePathStyle = true,
            RawBucket = RawBucket,
            LakeBucket = LakeBucket,
            LakePrefix = lakePrefix,
            GlueJobName = JobName,
            GlueCrawlerName = CrawlerName,
            GlueDatabase = Database,
            AthenaOutputLocation = $"s3://{LakeBucket}/athena-results/",
            JobPollInterval = TimeSpan.FromMilliseconds(200),
            JobTimeout = TimeSpan.FromMinutes(2),
            CrawlerTimeout = TimeSpan.FromMinutes(1),
            QueryTimeout = TimeSpan.FromMinutes(1),
            Retry = new AwsRetryOptions { MaxAttempts = 6, BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(300), TotalTimeout = TimeSpan.FromSeconds(30), AttemptTimeout = TimeSpan.FromSeconds(10) },
        };
        configure?.Invoke(Options);
        S3 = AwsServiceCollectionExtensions.CreateS3Client(Options, MotoServer.Credentials);
        GlueJson = Json("glue", "AWSGlue");
        Glue = new GlueClient(GlueJson);
        Athena = new AthenaClient(Json("athena", "AmazonAthena"));
    }

    public AwsOptions Options { get; }

    public IAmazonS3 S3 { get; }

    public AwsJsonClient GlueJson { get; }

    public GlueClient Glue { get; }

    public AthenaClient Athena { get; }

    public AwsJsonClient Json(string signingName, string targetPrefix) => new(
        Http,
        AwsEndpoint.For(Options, MotoServer.Region, signingName, targetPrefix),
        MotoServer.Credentials,
        Options.Retry,
        TimeProvider.System,
        NullLogger.Instance);

    /// <summary>What the CloudFormation stack provides: both buckets, the Glue database, job and crawler.</summary>
    public async Task ProvisionAsync(CancellationToken cancellationToken)
    {
        await S3.PutBucketAsync(new PutBucketRequest { BucketName = RawBucket }, cancellationToken);
        await S3.PutBucketAsync(new PutBucketRequest { BucketName = LakeBucket }, cancellationToken);
        await GlueAsync("CreateDatabase", new { DatabaseInput = new { Name = Database } }, cancellationToken);
        await GlueAsync("CreateJob", new
        {
            Name = JobName,
            Role = "arn:aws:iam::123456789012:role/glue",
            Command = new { Name = "glueetl", ScriptLocation = "s3://artifacts/glue/spotify_etl.py", PythonVersion = "3" },
            GlueVersion = "5.0",
            ExecutionProperty = new { MaxConcurrentRuns = 1 },
        }, cancellationToken);
        await GlueAsync("CreateCrawler", new
        {
            Name = CrawlerName,
            Role = "arn:aws:iam::123456789012:role/glue",
            DatabaseName = Database,
            Targets = new { S3Targets = new[] { new { Path = $"s3://{LakeBucket}/{Options.LakePrefix}gold/spotify_tracks/" } } },
        }, cancellationToken);
    }

    /// <summary>The gold table as the crawler leaves it (moto's crawler creates no tables).</summary>
    public Task CreateGoldTableAsync(IEnumerable<(string Name, string Type)> columns, CancellationToken cancellationToken) =>
        GlueAsync("CreateTable", new { DatabaseName = Database, TableInput = TableInput(columns) }, cancellationToken);

    public Task UpdateGoldTableAsync(IEnumerable<(string Name, string Type)> columns, CancellationToken cancellationToken) =>
        GlueAsync("UpdateTable", new { DatabaseName = Database, TableInput = TableInput(columns) }, cancellationToken);

    public Task<JsonElement> GlueAsync(string operation, object request, CancellationToken cancellationToken) =>
        GlueJson.SendAsync<object, JsonElement>(operation, request, cancellationToken);

    public static readonly (string Name, string Type)[] GoldColumns =
    [
        ("track_id", "string"), ("track_name", "string"), ("track_number", "int"), ("duration_ms", "int"), ("track_popularity", "int"),
        ("explicit", "boolean"), ("album_id", "string"), ("album_name", "string"), ("album_type", "string"), ("label", "string"),
        ("total_tracks", "int"), ("album_popularity", "int"), ("release_date", "date"), ("release_date_precision", "string"),
        ("artist_id", "string"), ("artist_name", "string"), ("artist_popularity", "int"), ("followers", "bigint"), ("genres", "array<string>"),
    ];

    private object TableInput(IEnumerable<(string Name, string Type)> columns) => new
    {
        Name = "spotify_tracks",
        StorageDescriptor = new
        {
            Columns = columns.Select(c => new { c.Name, c.Type }).ToArray(),
            Location = $"s3://{LakeBucket}/{Options.LakePrefix}gold/spotify_tracks/",
        },
        PartitionKeys = new[] { new { Name = "release_year", Type = "int" } },
    };
}
