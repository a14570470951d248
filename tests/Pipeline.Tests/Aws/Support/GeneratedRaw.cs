using SpotifyWorker.Pipeline.Aws.S3;
using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Aws.Support;

/// <summary>Generated drops in moto's raw bucket, and the gold table a local run makes of the same drops.</summary>
public static class GeneratedRaw
{
    public static async Task<GenerationReport> PutAsync(MotoAws aws, GenerationOptions drops, CancellationToken cancellationToken)
    {
        var raw = new S3ObjectStore(aws.S3, MotoAws.RawBucket, "", new S3StoreSettings(), TimeProvider.System);
        using var stage = new TempDirectory();
        return await SpotifyDataGenerator.GenerateAsync(raw, "raw/", drops with { TempDirectory = stage.Path }, cancellationToken);
    }

    /// <summary>The reference: the same drops processed by the embedded backend without faults.</summary>
    public static async Task<IReadOnlyList<string>> LocalGoldAsync(GenerationOptions drops)
    {
        using var local = new TestLake();
        await SpotifyDataGenerator.GenerateAsync(local.Store, "raw/", drops with { TempDirectory = local.Store.PathOf("_pipeline/tmp/gen") }, TestContext.Current.CancellationToken);
        await local.RunOkAsync();
        return await local.GoldAsync();
    }
}
