using SpotifyWorker.Pipeline.Orchestration;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Deploy;

/// <summary>
/// Every <c>Pipeline__*</c> variable of the task definition must be a key an options class binds: a misspelt
/// name would be ignored silently and the worker would run on its default.
/// </summary>
public sealed class TemplateConfigKeysTests
{
    private const string AwsPrefix = "Pipeline__Aws__";

    private static readonly IReadOnlySet<string> Bound = OptionKeys.EnvironmentNames(typeof(PipelineOptions).Assembly);

    private static IEnumerable<string> TaskKeys => TemplateServiceTests.Environment().Keys.Where(k => k.StartsWith("Pipeline__", StringComparison.Ordinal));

    [Fact]
    public void OptionKeys_Reflection_FindsTheKnownSections() =>
        Assert.Superset(new HashSet<string> { "Pipeline__Backend", "Pipeline__RawPrefix", "Pipeline__Batch__MaxFiles", "Pipeline__Manifest__CheckpointInterval", "Pipeline__DuckDb__TempDirectory", "Pipeline__Lease__Duration", "Pipeline__Schedule__Cron", "Pipeline__Health__HeartbeatFile" }, Bound.ToHashSet());

    [Fact]
    public void TaskEnvironment_CoreKeys_AreBoundByOptionsClasses()
    {
        var unknown = TaskKeys.Where(k => !k.StartsWith(AwsPrefix, StringComparison.Ordinal) && !Bound.Contains(k)).ToList();

        Assert.True(unknown.Count == 0, $"The task definition sets keys that no options class binds: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void TaskEnvironment_AwsKeys_AreBoundByOptionsClasses()
    {
        var awsKeys = TaskKeys.Where(k => k.StartsWith(AwsPrefix, StringComparison.Ordinal)).ToList();
        var unknown = awsKeys.Where(k => !Bound.Contains(k)).ToList();
        var sections = string.Join(", ", OptionKeys.Sections(typeof(PipelineOptions).Assembly).Select(s => s.Section).Order(StringComparer.Ordinal));

        Assert.NotEmpty(awsKeys);
        Assert.True(unknown.Count == 0,
            $"The task definition sets {unknown.Count} Pipeline:Aws keys that no options class binds: {string.Join(", ", unknown)}. " +
            $"Sections found: {sections}. Bound Pipeline:Aws keys: {string.Join(", ", Bound.Where(k => k.StartsWith(AwsPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))}.");
    }
}
