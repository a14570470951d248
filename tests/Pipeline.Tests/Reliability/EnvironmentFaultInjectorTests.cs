using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Reliability;

/// <summary>The test-only kill switch: parsed strictly, and absent from the production wiring unless the variable is set.</summary>
public sealed class EnvironmentFaultInjectorTests
{
    [Theory]
    [InlineData("AfterGoldMove", FaultPoint.AfterGoldMove)]
    [InlineData("BeforeCommit:3", FaultPoint.BeforeCommit)]
    [InlineData(" AfterSilverWrite : 2 ", FaultPoint.AfterSilverWrite)]
    public void Parse_PointWithOptionalOccurrence_Injector(string value, FaultPoint expected)
    {
        Assert.Equal(expected, EnvironmentFaultInjector.Parse(value)?.Point);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Parse_Unset_Null(string? value)
    {
        Assert.Null(EnvironmentFaultInjector.Parse(value));
    }

    [Theory]
    [InlineData("AfterGoldmove")]
    [InlineData("7")]
    [InlineData("BeforeCommit:0")]
    [InlineData("BeforeCommit:x")]
    public void Parse_Invalid_ThrowsNamingVariableAndPoints(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => EnvironmentFaultInjector.Parse(value));
        Assert.Contains(EnvironmentFaultInjector.Variable, error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(FaultPoint.AfterSilverWrite), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddPipeline_VariableUnset_RegistersNoFaults()
    {
        Assert.Null(Environment.GetEnvironmentVariable(EnvironmentFaultInjector.Variable));
        using var lake = new TempDirectory();
        using var services = PipelineServices.Create(lake.Path);

        Assert.Same(NoFaults.Instance, services.GetRequiredService<IFaultInjector>());
    }
}
