using System.Security.Cryptography;
using SpotifyWorker.Pipeline.Generation;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Generation;

public class GeneratorDeterminismTests
{
    private static readonly GenerationOptions Options = new() { Scale = 0.003, Drops = 3, Seed = 5, Dirty = true };

    [Fact]
    public async Task GenerateAsync_SameOptions_WritesIdenticalBytes()
    {
        using var first = await GeneratedLake.CreateAsync(Options);
        using var second = await GeneratedLake.CreateAsync(Options with { MaxParallelism = 1 });

        Assert.Equal(Fingerprint(first), Fingerprint(second));
        Assert.Equal(first.Report.InjectedRows, second.Report.InjectedRows);
        Assert.Equal(first.Report.GoldRowsAfterDrop, second.Report.GoldRowsAfterDrop);
    }

    [Fact]
    public async Task GenerateAsync_SameOptionsGzip_WritesIdenticalBytes()
    {
        using var first = await GeneratedLake.CreateAsync(Options with { Gzip = true });
        using var second = await GeneratedLake.CreateAsync(Options with { Gzip = true });

        Assert.Equal(Fingerprint(first), Fingerprint(second));
    }

    [Fact]
    public async Task GenerateAsync_DifferentSeed_WritesDifferentBytes()
    {
        using var first = await GeneratedLake.CreateAsync(Options);
        using var second = await GeneratedLake.CreateAsync(Options with { Seed = 6 });

        var a = Fingerprint(first);
        var b = Fingerprint(second);

        Assert.Equal(a.Keys, b.Keys);
        Assert.All(first.DropFiles(), f => Assert.NotEqual(a[f.Key], b[f.Key]));
    }

    private static Dictionary<string, string> Fingerprint(GeneratedLake lake) =>
        lake.Report.Files.ToDictionary(f => f.Key, f => Convert.ToHexString(SHA256.HashData(lake.Bytes(f.Key))));
}
