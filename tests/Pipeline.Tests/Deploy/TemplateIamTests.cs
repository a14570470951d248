using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Query;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Deploy;

/// <summary>Least privilege in deploy/ecs/spotify-worker.yaml, read from the template's policies.</summary>
public sealed class TemplateIamTests
{
    // IAM offers no resource-level scoping for these, so "*" is the only possible Resource.
    private static readonly HashSet<string> ActionsWithoutResources = ["ecr:GetAuthorizationToken"];

    private static readonly CfnTemplate Template = CfnTemplate.Load();

    private static IEnumerable<IamStatement> Allows => IamStatement.OfIdentities(Template).Where(s => s.IsAllow);

    [Fact]
    public void Policies_Statements_AreFound() =>
        Assert.True(Allows.Count() > 20, "the policy reader found almost no statements; the tests below would pass vacuously");

    [Fact]
    public void AllowStatements_Actions_HaveNoWildcards()
    {
        var wildcards = Allows.SelectMany(s => s.Actions.Where(a => a.Contains('*', StringComparison.Ordinal)).Select(a => $"{s}: {a}")).ToList();
        var notActions = Allows.Where(s => s.Node.ContainsKey("NotAction")).Select(s => s.ToString()).ToList();

        Assert.Empty(wildcards);
        Assert.Empty(notActions);
    }

    [Fact]
    public void AllowStatements_StarResource_OnlyForActionsIamCannotScope()
    {
        var offenders = Allows
            .Where(s => s.Resources.Contains("*") || s.Node.ContainsKey("NotResource"))
            .Where(s => s.Actions.Any(a => !ActionsWithoutResources.Contains(a)))
            .Select(s => s.ToString());

        Assert.Empty(offenders);
    }

    [Fact]
    public void AllowStatements_S3Actions_NameTheStacksBuckets()
    {
        var buckets = Template.ResourcesOfType("AWS::S3::Bucket").ToList();
        var offenders = Allows
            .Where(s => s.Actions.Any(a => a.StartsWith("s3:", StringComparison.Ordinal)))
            .SelectMany(s => s.Resources.Where(r => !buckets.Any(b => r.Contains(b, StringComparison.Ordinal))).Select(r => $"{s}: {r}"));

        Assert.Empty(offenders);
    }

    [Fact]
    public void PassRole_OnlyTheGlueJobRole_OnlyToGlue()
    {
        var passRole = Assert.Single(Allows, s => s.Actions.Contains("iam:PassRole"));

        Assert.Equal("TaskRole", passRole.Owner);
        Assert.Equal(["iam:PassRole"], passRole.Actions);
        Assert.Equal(["""{"Fn::GetAtt":["GlueJobRole","Arn"]}"""], passRole.Resources);
        Assert.Equal("glue.amazonaws.com", CfnTemplate.Str(passRole.Node["Condition"]?["StringEquals"]?["iam:PassedToService"]));
    }

    [Fact]
    public void TaskRole_GlueAndAthena_OnlyTheStacksJobCrawlerAndWorkgroup()
    {
        Assert.Equal(["arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:job/${GlueJob}"], SubResources("TaskRole", "RunGlueJob"));
        Assert.Equal(["arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:crawler/${GlueCrawler}"], SubResources("TaskRole", "RunCrawler"));
        Assert.Equal(["arn:${AWS::Partition}:athena:${AWS::Region}:${AWS::AccountId}:workgroup/${AthenaWorkGroup}"], SubResources("TaskRole", "QueryAthena"));
    }

    [Fact]
    public void TaskRole_ViewRefresh_MayWriteExactlyTheAnalyticsViews()
    {
        const string tablePrefix = "arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:table/${GlueDatabase}/";
        var tables = SubResources("TaskRole", "RefreshViews").Where(r => r.StartsWith(tablePrefix, StringComparison.Ordinal)).Select(r => r[tablePrefix.Length..]);

        Assert.Equal(AnalyticsViews.All.Select(v => v.Name).Order(StringComparer.Ordinal), tables.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void LakeDataPrefixes_GlueWritesThemAndTheWorkerDeletesThem()
    {
        // The zones of LakeLayout (silver/, quarantine/, gold/...) must be where the roles may write.
        var zones = LakeLayout.DataPrefixes.Select(p => "${LakeBucket.Arn}/${LakePrefix}" + p.Split('/')[0] + "/*").ToList();

        Assert.All(zones, zone => Assert.Contains(zone, SubResources("GlueJobRole", "WriteLakeData")));
        Assert.All(zones, zone => Assert.Contains(zone, SubResources("TaskRole", "ReadWriteLake")));
    }

    [Fact]
    public void GlueJobRole_PipelinePrefix_WritesOnlyItsResultDocuments()
    {
        // Only the worker commits: the job may write _pipeline/jobs/ (its --output_key), never the log or the lease.
        var writes = Allows.Where(s => s.Owner == "GlueJobRole" && s.Actions.Any(a => a is "s3:PutObject" or "s3:DeleteObject"));
        var pipelineWrites = writes.SelectMany(s => s.Resources).Where(r => r.Contains("_pipeline", StringComparison.Ordinal));

        Assert.Equal(["""{"Fn::Sub":"${LakeBucket.Arn}/${LakePrefix}_pipeline/jobs/*"}"""], pipelineWrites);
    }

    [Fact]
    public void GlueJobRole_JobFolder_MayDeleteAndAbortItsScratch()
    {
        // Spark's committer removes its _temporary files under the job folder's staging/, and the job deletes its
        // staged CSVs and abandons multipart uploads there: without these, the write or the clean-up fails.
        Assert.Equal(["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:PutObject"], Assert.Single(Allows, s => s.Owner == "GlueJobRole" && s.Sid == "WriteJobFolder").Actions.Order(StringComparer.Ordinal));
        Assert.Equal(["${LakeBucket.Arn}/${LakePrefix}_pipeline/jobs/*"], SubResources("GlueJobRole", "WriteJobFolder"));
    }

    private static IReadOnlyList<string> SubResources(string role, string sid)
    {
        var statement = Assert.Single(Allows, s => s.Owner == role && s.Sid == sid);
        return [.. CfnTemplate.Many(statement.Node["Resource"]).Select(r => CfnTemplate.Str(r?["Fn::Sub"]) ?? r!.ToJsonString())];
    }
}
