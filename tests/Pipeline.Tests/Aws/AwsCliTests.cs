using SpotifyWorker.Pipeline.Aws.S3;
using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Tests.Aws.Support;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Worker.Cli;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Aws;

/// <summary>The CLI verbs with Pipeline:Backend=aws pointed at moto, configured the way a deployment configures them.</summary>
public sealed class AwsCliTests(MotoServer moto) : MotoTest(moto)
{
    protected override async Task SetUpAsync()
    {
        await Aws.CreateGoldTableAsync(MotoAws.GoldColumns, Ct);
        await Moto.SetTransitionAsync("glue::job_run", "manual");
        await Moto.SetTransitionAsync("glue::crawl", "immediate");
    }

    private async Task<(int Exit, string Output, string Error)> CliAsync(params string[] args)
    {
        var settings = AwsWorker.Settings(Aws.Options).Select(s => $"--{s.Key}={s.Value}");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await WorkerCli.RunAsync([.. args, .. settings, "--log-format", "text"], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Verbs_AwsBackendOnMoto_PlanRunOnceStatusAndQueryWork()
    {
        var raw = new S3ObjectStore(Aws.S3, MotoAws.RawBucket, "", new S3StoreSettings(), TimeProvider.System);
        using (var stage = new TempDirectory())
        {
            await SpotifyDataGenerator.GenerateAsync(raw, "raw/", new GenerationOptions { Scale = 0.001, Drops = 1, Seed = 3, TempDirectory = stage.Path }, Ct);
        }
        await using var glue = new GlueJobSimulator(Moto, Aws);

        var plan = await CliAsync("plan");
        var run = await CliAsync("run-once");
        var status = await CliAsync("status", "--format", "json");
        await Moto.AddAthenaResultsAsync([("gold_rows", "bigint")], [["gold_rows"], ["42"]]);
        var query = await CliAsync("query", "SELECT count(*) AS gold_rows FROM spotify_tracks", "--format", "csv");

        Assert.True(plan.Exit == 0, plan.Error);
        Assert.Contains("raw/tracks/", plan.Output, StringComparison.Ordinal);
        Assert.True(run.Exit == 0, run.Error + run.Output);
        Assert.Contains("Succeeded", run.Output, StringComparison.Ordinal);
        Assert.True(status.Exit == 0, status.Error);
        Assert.Contains("s3://spotify-lake/", status.Output, StringComparison.Ordinal);
        Assert.Contains("\"lastCommit\": 1", status.Output, StringComparison.Ordinal);
        Assert.True(query.Exit == 0, query.Error);
        Assert.Equal("gold_rows\n42\n", query.Output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task AnyVerb_AwsBackendWithoutBuckets_ExitsTwoNamingTheMissingKeys()
    {
        using var error = new StringWriter();

        var exit = await WorkerCli.RunAsync(["plan", "--Pipeline:Backend=aws", "--Pipeline:Aws:Region=eu-west-1", "--Pipeline:Aws:LakePrefix=/lake", "--Pipeline:Aws:Retry:MaxAttempts=0"], null, error);

        Assert.Equal(2, exit);
        var message = error.ToString();
        Assert.Contains("Pipeline:Aws:RawBucket = '(empty)': is required with Pipeline:Backend=aws", message, StringComparison.Ordinal);
        Assert.Contains("Pipeline:Aws:GlueJobName", message, StringComparison.Ordinal);
        Assert.Contains("Pipeline:Aws:LakePrefix = '/lake'", message, StringComparison.Ordinal);
        Assert.Contains("Pipeline:Aws:Retry:MaxAttempts = '0'", message, StringComparison.Ordinal);
    }
}
