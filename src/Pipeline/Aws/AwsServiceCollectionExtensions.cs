using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Aws.Athena;
using SpotifyWorker.Pipeline.Aws.Glue;
using SpotifyWorker.Pipeline.Aws.Http;
using SpotifyWorker.Pipeline.Aws.S3;
using SpotifyWorker.Pipeline.Costs;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.Aws;

/// <summary>
/// The AWS backend's registrations: options (validated only when <c>Pipeline:Backend=aws</c>), the S3 client, the
/// Glue and Athena clients and the four backend implementations. Nothing here is created unless the aws backend
/// is selected, so a local run needs neither credentials nor a region.
/// </summary>
public static class AwsServiceCollectionExtensions
{
    public static IServiceCollection AddAwsBackend(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<AwsOptions>, AwsOptionsValidator>();
        services.AddOptions<AwsOptions>().Bind(configuration.GetSection(AwsOptions.Section)).ValidateOnStart();

        // Tests (and callers with their own credentials) register AWSCredentials first; otherwise the SDK's chain:
        // environment, profile, web identity, ECS task role, EC2 instance profile. Session tokens included.
        services.TryAddSingleton<AWSCredentials>(_ => DefaultAWSCredentialsIdentityResolver.GetCredentials());
        services.TryAddSingleton<IAmazonS3>(sp => CreateS3Client(sp.GetRequiredService<IOptions<AwsOptions>>().Value, sp.GetRequiredService<AWSCredentials>(), sp.GetRequiredService<UsageMeter>()));
        // A connection pool of its own (not a bare HttpClient registration another feature might also make);
        // attempt and total timeouts are the retry policy's, so the client itself never times out.
        services.TryAddSingleton(_ => new AwsHttpTransport(new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan }));
        services.TryAddSingleton<IGlueClient>(sp => new GlueClient(JsonClient(sp, "glue", "AWSGlue")));
        services.TryAddSingleton<IAthenaClient>(sp => new AthenaClient(JsonClient(sp, "athena", "AmazonAthena")));
        services.TryAddSingleton<GlueJobTransform>();
        services.TryAddSingleton<GlueCrawlerCatalog>();
        services.TryAddSingleton<AthenaQueryEngine>();
        return services;
    }

    /// <summary>The raw bucket and the lake bucket (with its prefix) as object stores.</summary>
    public static LakeStores CreateStores(IServiceProvider services)
    {
        var aws = services.GetRequiredService<IOptions<AwsOptions>>().Value;
        var pipeline = services.GetRequiredService<IOptions<PipelineOptions>>().Value;
        var s3 = services.GetRequiredService<IAmazonS3>();
        var time = services.GetRequiredService<TimeProvider>();
        var settings = S3StoreSettings.From(aws);
        return new LakeStores(
            new S3ObjectStore(s3, aws.RawBucket!, "", settings, time),
            pipeline.RawPrefix,
            new S3ObjectStore(s3, aws.LakeBucket!, aws.LakePrefix, settings, time));
    }

    /// <summary>
    /// An S3 client with the SDK's standard retry mode. Against an endpoint override (moto, LocalStack) checksums
    /// are only sent where S3 requires them, since emulators do not all accept the SDK's default trailing checksums.
    /// With a meter, every request it sends (retries included) is counted for the run's cost.
    /// </summary>
    public static AmazonS3Client CreateS3Client(AwsOptions options, AWSCredentials credentials, UsageMeter? meter = null)
    {
        var region = AwsRegion.Resolve(options) ?? throw new InvalidOperationException("Pipeline:Aws:Region is not set and AWS_REGION is empty");
        var config = new AmazonS3Config
        {
            RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region),
            ForcePathStyle = options.ForcePathStyle,
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = options.Retry.MaxAttempts - 1,
            Timeout = options.Retry.AttemptTimeout,
        };
        if (meter is not null) config.HttpClientFactory = new CountingS3HttpClientFactory(meter);
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = region;
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }
        return new AmazonS3Client(credentials, config);
    }

    private static AwsJsonClient JsonClient(IServiceProvider services, string signingName, string targetPrefix)
    {
        var aws = services.GetRequiredService<IOptions<AwsOptions>>().Value;
        var region = AwsRegion.Resolve(aws) ?? throw new InvalidOperationException("Pipeline:Aws:Region is not set and AWS_REGION is empty");
        return new AwsJsonClient(
            services.GetRequiredService<AwsHttpTransport>().Client,
            AwsEndpoint.For(aws, region, signingName, targetPrefix),
            services.GetRequiredService<AWSCredentials>(),
            aws.Retry,
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger("SpotifyWorker.Pipeline.Aws." + targetPrefix));
    }
}

/// <summary>The HTTP connection pool of the Glue and Athena clients.</summary>
public sealed record AwsHttpTransport(HttpClient Client);
