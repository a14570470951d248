using System.Globalization;
using System.Text.Json.Nodes;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Deploy;

/// <summary>The two alarms, each on a metric that a filter of the worker's log group really produces.</summary>
public sealed class TemplateAlarmTests
{
    private static readonly CfnTemplate Template = CfnTemplate.Load();

    [Fact]
    public void RunFailedAlarm_Metric_CountsPipelineRunFailedEvents()
    {
        var alarm = AlarmOn("PipelineRunFailed");

        Assert.Equal("GreaterThanOrEqualToThreshold", CfnTemplate.Str(alarm["ComparisonOperator"]));
        Assert.Equal("1", CfnTemplate.Str(alarm["Threshold"]));
        Assert.NotEmpty(CfnTemplate.Many(alarm["AlarmActions"]));
    }

    [Fact]
    public void DataStaleAlarm_Window_Is26HoursWithMissingDataBreaching()
    {
        var alarm = AlarmOn("PipelineRunCompleted");
        var window = int.Parse(CfnTemplate.Str(alarm["Period"])!, CultureInfo.InvariantCulture) * int.Parse(CfnTemplate.Str(alarm["EvaluationPeriods"])!, CultureInfo.InvariantCulture);

        Assert.Equal(TimeSpan.FromHours(26), TimeSpan.FromSeconds(window));
        Assert.Equal(CfnTemplate.Str(alarm["EvaluationPeriods"]), CfnTemplate.Str(alarm["DatapointsToAlarm"]));
        Assert.Equal("breaching", CfnTemplate.Str(alarm["TreatMissingData"]));
        Assert.Equal("LessThanThreshold", CfnTemplate.Str(alarm["ComparisonOperator"]));
        Assert.NotEmpty(CfnTemplate.Many(alarm["AlarmActions"]));
    }

    /// <summary>The alarm watching the metric that the metric filter matching <paramref name="eventName"/> emits.</summary>
    private static JsonObject AlarmOn(string eventName)
    {
        var filter = Assert.Single(Template.ResourcesOfType("AWS::Logs::MetricFilter").Select(Template.Properties),
            f => CfnTemplate.Str(f["FilterPattern"])!.Contains(eventName, StringComparison.Ordinal));
        var metric = Assert.Single(CfnTemplate.Many(filter["MetricTransformations"]))!;

        return Assert.Single(Template.ResourcesOfType("AWS::CloudWatch::Alarm").Select(Template.Properties),
            a => CfnTemplate.Str(a["MetricName"]) == CfnTemplate.Str(metric["MetricName"]) && CfnTemplate.Str(a["Namespace"]) == CfnTemplate.Str(metric["MetricNamespace"]));
    }
}
