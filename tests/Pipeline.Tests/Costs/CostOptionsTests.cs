using SpotifyWorker.Pipeline.Costs;
using SpotifyWorker.Pipeline.Orchestration;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Costs;

public sealed class CostOptionsTests
{
    [Fact]
    public void Validate_Defaults_Pass() =>
        Assert.True(new SectionValidator<CostOptions>(CostOptions.Section).Validate(null, new CostOptions()).Succeeded);

    [Theory]
    [InlineData(nameof(CostOptions.GlueDpuHourUsd), "Pipeline:Cost:GlueDpuHourUsd = '-0.44'")]
    [InlineData(nameof(CostOptions.TaskCpuUnits), "Pipeline:Cost:TaskCpuUnits = '-1'")]
    [InlineData(nameof(CostOptions.GlueMinimumBilledDuration), "Pipeline:Cost:GlueMinimumBilledDuration = '-00:01:00'")]
    [InlineData(nameof(CostOptions.PriceRegion), "Pipeline:Cost:PriceRegion = ''")]
    public void Validate_BadSetting_NamesKeyAndValue(string property, string expected)
    {
        var options = new CostOptions();
        switch (property)
        {
            case nameof(CostOptions.GlueDpuHourUsd): options.GlueDpuHourUsd = -0.44m; break;
            case nameof(CostOptions.TaskCpuUnits): options.TaskCpuUnits = -1; break;
            case nameof(CostOptions.GlueMinimumBilledDuration): options.GlueMinimumBilledDuration = TimeSpan.FromMinutes(-1); break;
            default: options.PriceRegion = ""; break;
        }

        var result = new SectionValidator<CostOptions>(CostOptions.Section).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }
}
