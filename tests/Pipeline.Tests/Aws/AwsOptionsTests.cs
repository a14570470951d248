using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Aws;
using SpotifyWorker.Pipeline.Orchestration;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Aws;

/// <summary>Pipeline:Aws is validated only with the aws backend, and each failure names its key and value.</summary>
public sealed class AwsOptionsTests
{
    private static ValidateOptionsResult Validate(Backend backend, AwsOptions options) =>
        new AwsOptionsValidator(Options.Create(new PipelineOptions { Backend = backend })).Validate(null, options);

    private static AwsOptions Complete() => new()
    {
        Region = "eu-west-1", RawBucket = "raw", LakeBucket = "lake", GlueJobName = "job", GlueCrawlerName = "crawler", GlueDatabase = "db",
    };

    [Fact]
    public void Validate_LocalBackendWithNothingSet_Succeeds()
    {
        Assert.True(Validate(Backend.Local, new AwsOptions { LakePrefix = "/bad", ServerSideEncryption = "none" }).Succeeded);
    }

    [Fact]
    public void Validate_AwsBackendComplete_Succeeds()
    {
        Assert.True(Validate(Backend.Aws, Complete()).Succeeded);
    }

    [Fact]
    public void Validate_AwsBackendWithBadValues_NamesEachKeyAndValue()
    {
        var options = Complete();
        options.ServerSideEncryption = "none";
        options.KmsKeyId = "alias/x";
        options.ExpectedBucketOwner = "12";
        options.JobPollInterval = TimeSpan.Zero;
        options.AthenaOutputLocation = "https://bucket/";
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(1);

        var failures = Validate(Backend.Aws, options).Failures!.ToList();

        Assert.Contains("Pipeline:Aws:ServerSideEncryption = 'none': must be AES256 or aws:kms", failures);
        Assert.Contains("Pipeline:Aws:KmsKeyId = 'alias/x': is only used with Pipeline:Aws:ServerSideEncryption = aws:kms", failures);
        Assert.Contains(failures, f => f.StartsWith("Pipeline:Aws:ExpectedBucketOwner = '12':", StringComparison.Ordinal));
        Assert.Contains("Pipeline:Aws:JobPollInterval = '00:00:00': must be positive", failures);
        Assert.Contains(failures, f => f.StartsWith("Pipeline:Aws:AthenaOutputLocation = 'https://bucket/':", StringComparison.Ordinal));
        Assert.Contains("Pipeline:Aws:Retry:MaxDelay = '00:00:00.0010000': must be at least Pipeline:Aws:Retry:BaseDelay", failures);
    }
}
