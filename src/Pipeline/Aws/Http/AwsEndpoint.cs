namespace SpotifyWorker.Pipeline.Aws.Http;

/// <summary>Where a JSON 1.1 service answers and how it is addressed and signed.</summary>
/// <param name="TargetPrefix">The X-Amz-Target prefix: AWSGlue or AmazonAthena.</param>
/// <param name="SigningName">The service name in the credential scope: glue or athena.</param>
public sealed record AwsEndpoint(Uri Uri, string Region, string SigningName, string TargetPrefix)
{
    /// <summary>The regional endpoint, or the override (moto, LocalStack) when one is configured.</summary>
    public static AwsEndpoint For(AwsOptions options, string region, string signingName, string targetPrefix) => new(
        string.IsNullOrWhiteSpace(options.ServiceUrl) ? new Uri($"https://{signingName}.{region}.amazonaws.com/") : new Uri(options.ServiceUrl),
        region,
        signingName,
        targetPrefix);
}
