using System.Globalization;
using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using SpotifyWorker.Pipeline.Aws;
using SpotifyWorker.Pipeline.Aws.Glue;
using SpotifyWorker.Pipeline.Aws.S3;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.TestSupport;

namespace SpotifyWorker.Pipeline.Tests.Aws.Support;

/// <summary>The worker as AddPipeline wires it with Pipeline:Backend=aws, pointed at moto (or a proxy in front of it).</summary>
public static class AwsWorker
{
    /// <summary>Configuration keys for the options, in the form an environment or appsettings.json would give them.</summary>
    public static Dictionary<string, string?> Settings(AwsOptions aws, IEnumerable<KeyValuePair<string, string?>>? extra = null)
    {
        string Span(TimeSpan t) => t.ToString("c", CultureInfo.InvariantCulture);
        var settings = new Dictionary<string, string?>
        {
            ["Pipeline:Backend"] = "aws",
            ["Pipeline:Aws:Region"] = aws.Region,
            ["Pipeline:Aws:ServiceUrl"] = aws.ServiceUrl,
            ["Pipeline:Aws:ForcePathStyle"] = "true",
            ["Pipeline:Aws:RawBucket"] = aws.RawBucket,
            ["Pipeline:Aws:LakeBucket"] = aws.LakeBucket,
            ["Pipeline:Aws:LakePrefix"] = aws.LakePrefix,
            ["Pipeline:Aws:GlueJobName"] = aws.GlueJobName,
            ["Pipeline:Aws:GlueCrawlerName"] = aws.GlueCrawlerName,
            ["Pipeline:Aws:GlueDatabase"] = aws.GlueDatabase,
            ["Pipeline:Aws:AthenaOutputLocation"] = aws.AthenaOutputLocation,
            ["Pipeline:Aws:JobPollInterval"] = Span(aws.JobPollInterval),
            ["Pipeline:Aws:JobTimeout"] = Span(aws.JobTimeout),
            ["Pipeline:Aws:CrawlerTimeout"] = Span(aws.CrawlerTimeout),
            ["Pipeline:Aws:QueryTimeout"] = Span(aws.QueryTimeout),
            ["Pipeline:Aws:Retry:MaxAttempts"] = aws.Retry.MaxAttempts.ToString(CultureInfo.InvariantCulture),
            ["Pipeline:Aws:Retry:BaseDelay"] = Span(aws.Retry.BaseDelay),
            ["Pipeline:Aws:Retry:MaxDelay"] = Span(aws.Retry.MaxDelay),
            ["Pipeline:Aws:Retry:TotalTimeout"] = Span(aws.Retry.TotalTimeout),
            ["Pipeline:Aws:Retry:AttemptTimeout"] = Span(aws.Retry.AttemptTimeout),
            ["Pipeline:Lease:Duration"] = "00:01:00",
            ["Pipeline:Lease:RenewInterval"] = "00:00:20",
        };
        foreach (var (key, value) in extra ?? []) settings[key] = value;
        return settings;
    }

    /// <param name="glue">When several workers share one simulated Glue job, the simulator that guards their Glue calls.</param>
    public static ServiceProvider Build(AwsOptions aws, IEnumerable<KeyValuePair<string, string?>>? extra = null, Action<IServiceCollection>? configure = null, GlueJobSimulator? glue = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings(aws, extra)).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<AWSCredentials>(MotoServer.Credentials);
        services.AddSingleton(sp => new EmfMetrics(TextWriter.Null, sp.GetRequiredService<TimeProvider>()));
        configure?.Invoke(services);
        services.AddPipeline(configuration);
        if (glue is not null)
        {
            var client = services.Last(d => d.ServiceType == typeof(IGlueClient));
            services.Remove(client);
            services.AddSingleton(sp => glue.Guard((IGlueClient)client.ImplementationFactory!(sp)));
        }
        var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        return provider;
    }

    /// <summary>
    /// Copies the committed lake from S3 (log, checkpoints and every committed data file) into a local test lake,
    /// whose readers then show the AWS run's tables exactly as they show a local run's.
    /// </summary>
    public static async Task<TestLake> MirrorAsync(MotoAws aws, CancellationToken cancellationToken)
    {
        var lake = new S3ObjectStore(aws.S3, MotoAws.LakeBucket, aws.Options.LakePrefix, new S3StoreSettings(), TimeProvider.System);
        var local = new TestLake();
        foreach (var prefix in new[] { CommitLog.LogPrefix, CommitLog.CheckpointPrefix, CommitLog.LastCheckpointKey })
        {
            await foreach (var info in lake.ListAsync(prefix, cancellationToken: cancellationToken)) await CopyAsync(lake, local.Store, info.Key, cancellationToken);
        }
        var state = await local.Log.LoadAsync(cancellationToken);
        foreach (var file in state.LiveFiles.Values) await CopyAsync(lake, local.Store, file.Key, cancellationToken);
        return local;
    }

    private static async Task CopyAsync(IObjectStore from, IObjectStore to, string key, CancellationToken cancellationToken)
    {
        await using var stream = await from.OpenReadAsync(key, cancellationToken);
        await to.PutAsync(key, stream, cancellationToken);
    }
}
