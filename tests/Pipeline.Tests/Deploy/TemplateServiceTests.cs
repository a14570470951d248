using System.Globalization;
using System.Text.Json.Nodes;
using SpotifyWorker.Pipeline.Aws.Glue;
using SpotifyWorker.Pipeline.Manifest;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Deploy;

/// <summary>The Fargate task, the service and the Glue and Athena guards of the template.</summary>
public sealed class TemplateServiceTests
{
    public const string ScratchPath = "/tmp/spotifyworker";

    private static readonly CfnTemplate Template = CfnTemplate.Load();

    private static JsonObject TaskDefinition => Template.Properties(Template.Single("AWS::ECS::TaskDefinition"));

    private static JsonObject Container => Assert.Single(CfnTemplate.Many(TaskDefinition["ContainerDefinitions"]))!.AsObject();

    /// <summary>The container's environment: plain name/value entries and those inside an <c>!If</c>.</summary>
    public static IReadOnlyDictionary<string, JsonNode?> Environment() =>
        CfnTemplate.Many(Container["Environment"])
            .SelectMany(e => e?["Fn::If"] is JsonArray branches ? branches.Skip(1) : [e])
            .OfType<JsonObject>()
            .Where(e => e.ContainsKey("Name"))
            .ToDictionary(e => CfnTemplate.Str(e["Name"])!, e => e["Value"]);

    [Fact]
    public void TaskDefinition_RootFilesystem_IsReadOnlyWithAScratchVolume()
    {
        Assert.Equal("true", CfnTemplate.Str(Container["ReadonlyRootFilesystem"]));
        var mount = Assert.Single(CfnTemplate.Many(Container["MountPoints"]));
        Assert.Equal(ScratchPath, CfnTemplate.Str(mount?["ContainerPath"]));
        Assert.Contains(CfnTemplate.Many(TaskDefinition["Volumes"]), v => CfnTemplate.Str(v?["Name"]) == CfnTemplate.Str(mount?["SourceVolume"]));
    }

    [Theory]
    [InlineData("Pipeline__DuckDb__TempDirectory")]
    [InlineData("Pipeline__Health__HeartbeatFile")]
    [InlineData("TMPDIR")]
    public void TaskEnvironment_WritablePaths_AreOnTheScratchVolume(string name) =>
        Assert.StartsWith(ScratchPath, CfnTemplate.Str(Environment()[name]), StringComparison.Ordinal);

    [Fact]
    public void TaskDefinition_HealthCheck_RunsTheWorkersHealthVerb() =>
        Assert.Equal(["CMD", DockerfileTests.WorkerExecutable, "health"], CfnTemplate.Many(Container["HealthCheck"]?["Command"]).Select(CfnTemplate.Str));

    [Fact]
    public void TaskDefinition_StopTimeout_OutlastsTheWorkersShutdownTimeout()
    {
        var stop = TimeSpan.FromSeconds(int.Parse(CfnTemplate.Str(Container["StopTimeout"])!, CultureInfo.InvariantCulture));
        var shutdown = TimeSpan.Parse(CfnTemplate.Str(Environment()["Pipeline__Health__ShutdownTimeout"])!, CultureInfo.InvariantCulture);

        Assert.True(shutdown < stop, $"the worker waits {shutdown} for a safe point, but ECS kills it after {stop}");
    }

    [Fact]
    public void TaskDefinition_Logs_GoToTheLogGroupWithRetention()
    {
        var logging = Container["LogConfiguration"];

        Assert.Equal("awslogs", CfnTemplate.Str(logging?["LogDriver"]));
        var group = CfnTemplate.Str(logging?["Options"]?["awslogs-group"]?["Ref"])!;
        Assert.NotNull(Template.Properties(group)["RetentionInDays"]);
    }

    [Fact]
    public void Service_Deployment_RunsOneTaskAndNeverTwo()
    {
        var service = Template.Properties(Template.Single("AWS::ECS::Service"));

        Assert.Equal("1", CfnTemplate.Str(service["DesiredCount"]));
        Assert.Equal("100", CfnTemplate.Str(service["DeploymentConfiguration"]?["MaximumPercent"]));
    }

    [Fact]
    public void GlueJob_Guards_OneRunAtATimeWithTimeoutAndBookmarksOff()
    {
        var job = Template.Properties(Template.Single("AWS::Glue::Job"));

        Assert.Equal("5.0", CfnTemplate.Str(job["GlueVersion"]));
        Assert.Equal("1", CfnTemplate.Str(job["ExecutionProperty"]?["MaxConcurrentRuns"]));
        Assert.NotNull(job["Timeout"]);
        Assert.Equal(GlueJobArguments.BookmarkDisabled, CfnTemplate.Str(job["DefaultArguments"]?["--job-bookmark-option"]));
        Assert.NotNull(job["DefaultArguments"]?["--sql_prefix"]);
    }

    [Fact]
    public void GlueCrawler_Target_IsTheGoldTableFolder()
    {
        var crawler = Template.Properties(Template.Single("AWS::Glue::Crawler"));
        var target = CfnTemplate.Str(Assert.Single(CfnTemplate.Many(crawler["Targets"]?["S3Targets"]))?["Path"]?["Fn::Sub"]);

        Assert.Equal("s3://${LakeBucket}/${LakePrefix}" + LakeLayout.GoldPrefix, target);
        Assert.NotNull(crawler["SchemaChangePolicy"]);
        Assert.NotNull(crawler["RecrawlPolicy"]);
    }

    [Fact]
    public void AthenaWorkGroup_Configuration_IsEnforcedWithAScanCutoff()
    {
        var configuration = Template.Properties(Template.Single("AWS::Athena::WorkGroup"))["WorkGroupConfiguration"];

        Assert.Equal("true", CfnTemplate.Str(configuration?["EnforceWorkGroupConfiguration"]));
        Assert.NotNull(configuration?["BytesScannedCutoffPerQuery"]);
        Assert.NotNull(configuration?["ResultConfiguration"]?["OutputLocation"]);
    }
}
