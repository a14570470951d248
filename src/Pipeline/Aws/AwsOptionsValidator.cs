using System.Globalization;
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
        failures.AddRange(Rules(options));
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

    // Checked here rather than in IValidatableObject, which DataAnnotations skips once an attribute fails:
    // whoever deploys should read every wrong setting in one go.
    private static IEnumerable<string> Rules(AwsOptions o)
    {
        string Fail(string key, object value, string problem) =>
            $"{AwsOptions.Section}:{key} = '{(value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value)}': {problem}";
        foreach (var (key, value) in new[] { (nameof(o.JobPollInterval), o.JobPollInterval), (nameof(o.JobTimeout), o.JobTimeout), (nameof(o.CrawlerTimeout), o.CrawlerTimeout), (nameof(o.QueryTimeout), o.QueryTimeout) })
        {
            if (value <= TimeSpan.Zero) yield return Fail(key, value, "must be positive");
        }
        if (o.KmsKeyId is not null && o.ServerSideEncryption != "aws:kms") yield return Fail(nameof(o.KmsKeyId), o.KmsKeyId, "is only used with Pipeline:Aws:ServerSideEncryption = aws:kms");
        var r = o.Retry;
        if (r.BaseDelay <= TimeSpan.Zero) yield return Fail("Retry:" + nameof(r.BaseDelay), r.BaseDelay, "must be positive");
        if (r.MaxDelay < r.BaseDelay) yield return Fail("Retry:" + nameof(r.MaxDelay), r.MaxDelay, "must be at least Pipeline:Aws:Retry:BaseDelay");
        if (r.TotalTimeout <= TimeSpan.Zero) yield return Fail("Retry:" + nameof(r.TotalTimeout), r.TotalTimeout, "must be positive");
        if (r.AttemptTimeout <= TimeSpan.Zero || r.AttemptTimeout > r.TotalTimeout) yield return Fail("Retry:" + nameof(r.AttemptTimeout), r.AttemptTimeout, "must be positive and at most Pipeline:Aws:Retry:TotalTimeout");
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
