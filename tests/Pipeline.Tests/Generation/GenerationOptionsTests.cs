using SpotifyWorker.Pipeline.Generation;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Generation;

public class GenerationOptionsTests
{
    [Theory]
    [InlineData(0.0, 1)]
    [InlineData(-1.0, 1)]
    [InlineData(double.NaN, 1)]
    [InlineData(1.0, 0)]
    [InlineData(1.0, 10_000)]
    public void Validate_OutOfRange_ThrowsNamingTheOption(double scale, int drops)
    {
        var options = new GenerationOptions { Scale = scale, Drops = drops };

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Contains("GenerationOptions.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sizes_KaggleAndDemoScale_MatchDocumentedCounts()
    {
        var kaggle = new GenerationOptions { Scale = 1 };
        var demo = new GenerationOptions { Scale = GenerationOptions.DemoScale };

        Assert.Equal((438_938, 37_000), (kaggle.AlbumRows, kaggle.Artists));
        Assert.Equal((5_004, 422), (demo.AlbumRows, demo.Artists));
    }
}
