using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SpotifyWorker.Pipeline.Orchestration;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Deploy;

/// <summary>
/// The dashboard, the per-run cost alarm and the budget: metric names are the ones <see cref="EmfMetrics"/>
/// emits (a renamed metric fails here), and every notification goes to the stack's SNS topic, which lets
/// AWS Budgets publish.
/// </summary>
public sealed partial class TemplateCostTests
{
    private static readonly CfnTemplate Template = CfnTemplate.Load();

    private static readonly JsonObject TopicRef = new() { ["Ref"] = "AlarmTopic" };

    /// <summary>The dashboard body as CloudWatch receives it, with the template's substitutions made.</summary>
    private static JsonObject DashboardBody()
    {
        var body = CfnTemplate.Str(Template.Properties(Template.Single("AWS::CloudWatch::Dashboard"))["DashboardBody"]?["Fn::Sub"])
            ?? throw new InvalidOperationException("DashboardBody is not a !Sub string");
        var substituted = SubVariable().Replace(body, m => m.Groups[1].Value switch
        {
            "RunCostAlarmUsd" => "0.25",
            "LogGroup" => "/ecs/spotify-worker",
            _ => "us-east-1",
        });
        return JsonNode.Parse(substituted)!.AsObject();
    }

    private static IEnumerable<JsonObject> Widgets(string type) =>
        DashboardBody()["widgets"]!.AsArray().Select(w => w!.AsObject()).Where(w => CfnTemplate.Str(w["type"]) == type);

    [Fact]
    public void Dashboard_MetricNames_EqualTheOnesTheWorkerEmits()
    {
        var metrics = Widgets("metric").SelectMany(w => w["properties"]!["metrics"]!.AsArray()).Select(m => m!.AsArray()).ToList();

        Assert.All(metrics, m =>
        {
            Assert.Equal(EmfMetrics.Namespace, CfnTemplate.Str(m[0]));
            Assert.Equal(EmfMetrics.Dimension, CfnTemplate.Str(m[2]));
            Assert.Equal(EmfMetrics.Namespace, CfnTemplate.Str(m[3]));
        });
        Assert.Equal(EmfMetrics.MetricNames.Order(StringComparer.Ordinal), metrics.Select(m => CfnTemplate.Str(m[1])!).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Dashboard_CostWidgets_ShowCostPerRunAndPerDay()
    {
        var cost = Widgets("metric").Select(w => w["properties"]!.AsObject())
            .Where(p => p["metrics"]!.AsArray().Any(m => CfnTemplate.Str(m![1]) == "EstimatedCostUsd")).ToList();

        Assert.Contains(cost, p => p["period"]!.GetValue<int>() == 3600 && CfnTemplate.Str(p["stat"]) == "Maximum");
        Assert.Contains(cost, p => p["period"]!.GetValue<int>() == 86400 && CfnTemplate.Str(p["stat"]) == "Sum");
    }

    [Fact]
    public void Dashboard_LogsWidget_ListsTheLastPipelineRunFailedEventsOfTheWorkersLogGroup()
    {
        var query = CfnTemplate.Str(Assert.Single(Widgets("log"))["properties"]!["query"])!;

        Assert.StartsWith("SOURCE '/ecs/spotify-worker'", query, StringComparison.Ordinal);
        Assert.Contains("filter EventId.Name = \"PipelineRunFailed\"", query, StringComparison.Ordinal);
        Assert.Contains("sort @timestamp desc", query, StringComparison.Ordinal);
        // The same selector as the metric filter behind the run-failed alarm, which a test checks against real events.
        Assert.Contains(Template.ResourcesOfType("AWS::Logs::MetricFilter").Select(f => CfnTemplate.Str(Template.Properties(f)["FilterPattern"])),
            p => p!.Contains("$.EventId.Name = \"PipelineRunFailed\"", StringComparison.Ordinal));
    }

    [Fact]
    public void RunCostAlarm_Metric_IsTheWorkersEstimatedCostAndGoesToTheTopic()
    {
        var alarm = Assert.Single(Template.ResourcesOfType("AWS::CloudWatch::Alarm").Select(Template.Properties), a => CfnTemplate.Str(a["MetricName"]) == "EstimatedCostUsd");

        Assert.Contains("EstimatedCostUsd", EmfMetrics.MetricNames);
        Assert.Equal(EmfMetrics.Namespace, CfnTemplate.Str(alarm["Namespace"]));
        var dimension = Assert.Single(alarm["Dimensions"]!.AsArray())!;
        Assert.Equal((EmfMetrics.Dimension, EmfMetrics.Namespace), (CfnTemplate.Str(dimension["Name"]), CfnTemplate.Str(dimension["Value"])));
        Assert.Equal("Maximum", CfnTemplate.Str(alarm["Statistic"]));
        Assert.Equal("GreaterThanThreshold", CfnTemplate.Str(alarm["ComparisonOperator"]));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["Ref"] = "RunCostAlarmUsd" }, alarm["Threshold"]));
        Assert.Contains(CfnTemplate.Many(alarm["AlarmActions"]), a => JsonNode.DeepEquals(TopicRef, a));
    }

    [Fact]
    public void Budget_Notifications_Are80PercentForecastAnd100PercentActualToTheTopic()
    {
        var id = Template.Single("AWS::Budgets::Budget");
        var budget = Template.Properties(id);
        var notifications = budget["NotificationsWithSubscribers"]!.AsArray().Select(n => n!.AsObject()).ToList();

        Assert.True(JsonNode.DeepEquals(new JsonObject { ["Ref"] = "MonthlyBudgetUsd" }, budget["Budget"]!["BudgetLimit"]!["Amount"]));
        Assert.Equal("MONTHLY", CfnTemplate.Str(budget["Budget"]!["TimeUnit"]));
        Assert.Equal(
            [("FORECASTED", "80"), ("ACTUAL", "100")],
            notifications.Select(n => (CfnTemplate.Str(n["Notification"]!["NotificationType"])!, CfnTemplate.Str(n["Notification"]!["Threshold"])!)).ToList());
        Assert.All(notifications, n =>
        {
            Assert.Equal("PERCENTAGE", CfnTemplate.Str(n["Notification"]!["ThresholdType"]));
            var subscriber = Assert.Single(n["Subscribers"]!.AsArray())!;
            Assert.Equal("SNS", CfnTemplate.Str(subscriber["SubscriptionType"]));
            Assert.True(JsonNode.DeepEquals(TopicRef, subscriber["Address"]));
        });
        Assert.Equal("AlarmTopicPolicy", CfnTemplate.Str(Template.Resource(id)["DependsOn"]));
    }

    [Fact]
    public void AlarmTopicPolicy_Statements_LetBudgetsAndCloudWatchPublish()
    {
        var policy = Template.Properties(Template.Single("AWS::SNS::TopicPolicy"));
        var statements = policy["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject()).ToList();

        Assert.Contains(policy["Topics"]!.AsArray(), t => JsonNode.DeepEquals(TopicRef, t));
        foreach (var service in new[] { "budgets.amazonaws.com", "cloudwatch.amazonaws.com" })
        {
            Assert.Contains(statements, s => CfnTemplate.Str(s["Effect"]) == "Allow"
                && CfnTemplate.Str(s["Principal"]?["Service"]) == service
                && CfnTemplate.Many(s["Action"]).Any(a => CfnTemplate.Str(a) == "sns:Publish")
                && JsonNode.DeepEquals(TopicRef, s["Resource"])
                && s["Condition"]?["StringEquals"]?["aws:SourceAccount"] is not null);
        }
    }

    [GeneratedRegex(@"\$\{([A-Za-z0-9:]+)\}")]
    private static partial Regex SubVariable();
}
