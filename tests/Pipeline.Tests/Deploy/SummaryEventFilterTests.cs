using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting.Compact;
using SpotifyWorker.Pipeline.Costs;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Deploy;

/// <summary>
/// The alarms are only as good as their metric filters: run the real RunCoordinator, log its summary events
/// the way the service does (Serilog compact JSON), and check each filter's selectors against them.
/// </summary>
public sealed partial class SummaryEventFilterTests
{
    private sealed class Collect : ILogEventSink
    {
        public List<JsonObject> Events { get; } = [];

        public void Emit(LogEvent logEvent)
        {
            using var text = new StringWriter();
            new RenderedCompactJsonFormatter().Format(logEvent, text);
            Events.Add(JsonNode.Parse(text.ToString())!.AsObject());
        }
    }

    private sealed class FailAfterTransform : IFaultInjector
    {
        public ValueTask AtAsync(FaultPoint point, CancellationToken cancellationToken) =>
            point == FaultPoint.AfterTransform ? throw new InvalidOperationException("injected") : ValueTask.CompletedTask;
    }

    [Fact]
    public async Task MetricFilters_Selectors_MatchTheSummaryEventsTheWorkerLogs()
    {
        var completed = await SummaryEventAsync(NoFaults.Instance, withDrop: false);
        var failed = await SummaryEventAsync(new FailAfterTransform(), withDrop: true);
        var template = CfnTemplate.Load();
        var patterns = template.ResourcesOfType("AWS::Logs::MetricFilter").Select(f => CfnTemplate.Str(template.Properties(f)["FilterPattern"])!).ToList();

        var failedFilter = Assert.Single(patterns, p => p.Contains("PipelineRunFailed", StringComparison.Ordinal));
        var succeededFilter = Assert.Single(patterns, p => p.Contains("PipelineRunCompleted", StringComparison.Ordinal));
        Assert.All(Terms(failedFilter), term => Assert.Equal(term.Value, Select(failed, term.Path)));
        Assert.Contains(Terms(succeededFilter), term => term.Path == "$.EventId.Name" && term.Value == Select(completed, term.Path));
        Assert.Contains(Terms(succeededFilter), term => term.Path == "$.Outcome" && term.Value == Select(completed, term.Path));
    }

    private static async Task<JsonObject> SummaryEventAsync(IFaultInjector faults, bool withDrop)
    {
        using var lake = new TestLake(faults: faults);
        if (withDrop) await lake.PutAsync("raw/tracks/t.csv", "id,track_popularity,explicit\nt1,5,false\n");
        var sink = new Collect();
        using var serilog = new Serilog.LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();
        using var factory = new SerilogLoggerFactory(serilog);
        var coordinator = new RunCoordinator(
            lake.Runner,
            new LeaseManager(lake.Stores, Options.Create(new LeaseOptions()), lake.Time, NullLogger<LeaseManager>.Instance),
            new RunHistory(lake.Stores, NullLogger<RunHistory>.Instance),
            new EmfMetrics(TextWriter.Null, lake.Time),
            new UsageMeter(),
            new CostCalculator(Options.Create(new CostOptions())),
            Options.Create(new PipelineOptions()),
            lake.Time,
            factory.CreateLogger<RunCoordinator>());

        await coordinator.RunAsync(CancellationToken.None);

        return Assert.Single(sink.Events, e => Select(e, "$.EventId.Name") is "PipelineRunCompleted" or "PipelineRunFailed");
    }

    /// <summary>The <c>$.a.b = "v"</c> terms of a CloudWatch Logs JSON filter pattern.</summary>
    private static IEnumerable<(string Path, string Value)> Terms(string pattern) =>
        TermPattern().Matches(pattern).Select(m => (m.Groups["path"].Value, m.Groups["value"].Value));

    private static string? Select(JsonObject logEvent, string path) =>
        CfnTemplate.Str(path.Split('.').Skip(1).Aggregate((JsonNode?)logEvent, (node, name) => node?[name]));

    [GeneratedRegex("""(?<path>\$(\.[A-Za-z0-9_]+)+)\s*=\s*"(?<value>[^"]*)"  """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex TermPattern();
}
