using Amazon.Runtime;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Orchestration;

namespace SpotifyWorker.Pipeline.Aws;

/// <summary>
/// Validates <see cref="AwsOptions"/> when, and only when, <c>Pipeline:Backend=aws</c>: a local run must not
/// need buckets. Messages follow <see cref="SectionValidator{TOptions}"/>: "<c>Pipeline:Aws:Key = 'value'</c>: problem".
/// </summary>
public sealed class AwsOptionsValidator(IOptions<PipelineOptions> pipeline) : IValidateOptions<AwsOptions>
{
    private static readonly SectionValidator<AwsOptions> Annotations = new(AwsOptions.Section);
    private static readonly SectionValidator<AwsRetryOptions> RetryAnnotations = new(AwsOptions.Section + ":Retry");

    public ValidateOptionsResult Validate(string? name, AwsOptions options)
    {
        if (pipeline.Value.Backend != Backend.Aws) return ValidateOptionsResult.Success;
        var failures = new List<string>();
        Collect(Annotations.Validate(name, options), failures);
        Collect(RetryAnnotations.Validate(name, options.Retry), failures);
        Require(failures, nameof(AwsOptions.RawBucket), options.RawBucket);
        Require(failures, nameof(AwsOptions.LakeBucket), options.LakeBucket);
        Require(failures, nameof(AwsOptions.GlueJobName), options.GlueJobName);
        Require(failures, nameof(AwsOptions.GlueCrawlerName), options.GlueCrawlerName);
        Require(failures, nameof(AwsOptions.GlueDatabase), options.GlueDatabase);
        if (AwsRegion.Resolve(options) is null)
        {
            failures.Add($"{AwsOptions.Section}:{nameof(AwsOptions.Region)} = '(empty)': is required with Pipeline:Backend=aws (set it, or AWS_REGION)");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Collect(ValidateOptionsResult result, List<string> failures)
    {
        if (result.Failed) failures.AddRange(result.Failures);
    }

    private static void Require(List<string> failures, string key, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{AwsOptions.Section}:{key} = '{value ?? "(empty)"}': is required with Pipeline:Backend=aws");
        }
    }
}

/// <summary>The region the clients sign for: the configured one, else the SDK's region chain.</summary>
public static class AwsRegion
{
    public static string? Resolve(AwsOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.Region)) return options.Region;
        try
        {
            return FallbackRegionFactory.GetRegionEndpoint()?.SystemName;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
