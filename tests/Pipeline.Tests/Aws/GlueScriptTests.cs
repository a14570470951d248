using System.Text.Json;
using System.Text.RegularExpressions;
using SpotifyWorker.Pipeline.Transform;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Pipeline.Tests.Transform;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Aws;

/// <summary>
/// deploy/glue/spotify_etl.py cannot run here (no Spark), so what can be checked without it is: it compiles, it names
/// exactly the shared SQL files in DuckDbTransform's order and sets what Spark needs, and its driver's publishing
/// and compaction follow the contract against a stand-in Spark; its staging is compared with RawFileStager in
/// GlueStagingTests.
/// </summary>
public sealed partial class GlueScriptTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string RepoRoot() => Deploy.RepoFiles.Root;

    private static string Script => Path.Combine(RepoRoot(), "deploy", "glue", "spotify_etl.py");

    private static async Task<string> PythonAsync(string code, string? stdin = null)
    {
        var run = await ToolRun.RunAsync("python3", ["-c", code], stdin, Path.GetDirectoryName(Script)!, "the Glue job script tests", Ct);
        Assert.True(run.ExitCode == 0, $"python3 exited {run.ExitCode}: {run.Error}");
        return run.Output;
    }

    [Fact]
    public async Task GlueScript_PyCompile_Succeeds()
    {
        using var temp = new TempDirectory();
        await PythonAsync($"import py_compile; py_compile.compile({JsonSerializer.Serialize(Script)}, cfile={JsonSerializer.Serialize(temp.Combine("spotify_etl.pyc"))}, doraise=True)");
    }

    [Fact]
    public async Task GlueScript_SqlSteps_AreTheSharedFilesInDuckDbTransformOrder()
    {
        var steps = JsonSerializer.Deserialize<List<string>>(await PythonAsync("import json, spotify_etl; print(json.dumps(spotify_etl.SQL_STEPS))"))!;
        var compaction = JsonSerializer.Deserialize<List<string>>(await PythonAsync("import json, spotify_etl; print(json.dumps(spotify_etl.COMPACT_STEPS))"))!;
        var files = Directory.GetFiles(Path.Combine(RepoRoot(), "src", "Pipeline", "Transform", "Sql"), "*.sql").Select(Path.GetFileNameWithoutExtension).Order().ToList();

        // DuckDbTransform's order: validate_<entity> for each entity of Entities.All, then the gold steps as they appear in its source.
        var source = await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "src", "Pipeline", "Transform", "DuckDbTransform.cs"), Ct);
        var duckDb = new List<string>();
        foreach (Match match in SqlCall().Matches(source))
        {
            if (match.Groups["literal"].Success) duckDb.Add(match.Groups["literal"].Value);
            else duckDb.AddRange(Entities.All.Select(e => "validate_" + e.Name()));
        }

        Assert.Equal(files, steps.Concat(compaction).Order());
        Assert.Equal(duckDb, steps);
        Assert.Equal(Entities.All.Select(e => "compact_" + e.Name()), compaction);
        var readme = await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "src", "Pipeline", "Transform", "Sql", "README.md"), Ct);
        Assert.Contains("`validate_<entity>` (x3) -> (`gold_current` defined) -> `gold_affected_tracks` -> `delta_albums`,\n`delta_tracks` -> `gold_album_tracks` -> `gold_delta` -> `gold_affected_partitions` -> `gold_rewrite`", readme.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    // Finding 1: Spark 3.5 throws SparkUpgradeException writing a date before 1582 unless the rebase mode is CORRECTED.
    [Fact]
    public async Task GlueScript_ConfigureSpark_WritesDatesBefore1582AsTheyAre()
    {
        var settings = JsonSerializer.Deserialize<Dictionary<string, string>>(await PythonAsync(
            """
            import json, spotify_etl
            class Conf:
                values = {}
                def set(self, name, value): self.values[name] = value
            class Spark:
                conf = Conf()
            spotify_etl.configure_spark(Spark())
            print(json.dumps(Spark.conf.values))
            """))!;

        Assert.Equal("CORRECTED", settings["spark.sql.parquet.datetimeRebaseModeInWrite"]);
        Assert.Equal("CORRECTED", settings["spark.sql.parquet.int96RebaseModeInWrite"]);
        Assert.Equal("CORRECTED", settings["spark.sql.parquet.datetimeRebaseModeInRead"]);
    }

    // Findings 3 and 5: gold is copied last, with the managed (multipart) copy, and a failed copy removes every copy made.
    [Fact]
    public async Task GlueScript_Publish_CopiesGoldLastAndRemovesAllCopiesWhenOneFails()
    {
        var result = JsonDocument.Parse(await PythonFileAsync(Path.Combine(RepoRoot(), "tests", "Pipeline.Tests", "Aws", "Support", "glue_publish_check.py"))).RootElement;

        Assert.EndsWith("part-g.parquet", result.GetProperty("copies").EnumerateArray().Last().GetString(), StringComparison.Ordinal);
        Assert.Equal(3, result.GetProperty("copies").GetArrayLength());
        Assert.Empty(result.GetProperty("copy_object_calls").EnumerateArray());
        Assert.Equal("AES256", result.GetProperty("encrypted").GetString());
        Assert.Equal(3, result.GetProperty("publishing").GetProperty("keys").GetArrayLength());
        Assert.True(result.GetProperty("raised").GetBoolean());
        Assert.Empty(result.GetProperty("left_after_failure").EnumerateArray());
    }

    // A compaction reads exactly the silver files the worker passed (silver/ also holds superseded and uncommitted
    // files), writes one base per entity under compact=<seq>, publishes it and supersedes exactly what it read.
    [Fact]
    public async Task GlueScript_Compaction_ReadsOnlyThePassedSilverAndSupersedesExactlyThem()
    {
        var result = JsonDocument.Parse(await PythonFileAsync(Path.Combine(RepoRoot(), "tests", "Pipeline.Tests", "Aws", "Support", "glue_compact_check.py"))).RootElement;
        static List<string> Strings(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetString()!)];

        Assert.Equal(
            [["s3://lake/p/silver/artists/compact=4/part-base.parquet", "s3://lake/p/silver/artists/batch=5/part-a5.parquet"], ["s3://lake/p/silver/tracks/batch=2/part-t2.parquet"]],
            result.GetProperty("reads").EnumerateArray().Select(Strings));
        Assert.Equal(["compact_artists", "compact_tracks"], Strings(result.GetProperty("sql_run")));
        var output = result.GetProperty("output");
        var added = output.GetProperty("added").EnumerateArray().ToList();
        Assert.Equal(["silver_artists", "silver_tracks"], added.Select(a => a.GetProperty("table").GetString()));
        Assert.All(added, a => Assert.Matches("^silver/(artists|tracks)/compact=7/part-[0-9a-f]{32}[.]parquet$", a.GetProperty("key").GetString()));
        Assert.Equal([3L, 2L], added.Select(a => a.GetProperty("rows").GetInt64()));
        Assert.Equal(
            ["silver/artists/compact=4/part-base.parquet", "silver/artists/batch=5/part-a5.parquet", "silver/tracks/batch=2/part-t2.parquet"],
            Strings(output.GetProperty("superseded")));
        Assert.Equal(7, output.GetProperty("batch_seq").GetInt64());
        Assert.Equal(added.Select(a => a.GetProperty("key").GetString()), Strings(result.GetProperty("published")));
        Assert.Equal(added.Select(a => a.GetProperty("key").GetString()), Strings(result.GetProperty("publishing").GetProperty("keys")));
        Assert.Empty(result.GetProperty("staging_left").EnumerateArray());
        Assert.DoesNotContain("raw_bucket", Strings(result.GetProperty("required_compact")));
        Assert.Contains("raw_bucket", Strings(result.GetProperty("required_batch")));
    }

    // Finding 4: delete_objects reports per-key failures (AccessDenied) in its answer, not as an exception.
    [Fact]
    public async Task GlueScript_LakeDelete_PerKeyErrors_Raise()
    {
        var message = await PythonAsync(
            """
            import spotify_etl
            class S3:
                def delete_objects(self, Bucket, Delete):
                    return {"Errors": [{"Key": o["Key"], "Code": "AccessDenied", "Message": "Access Denied"} for o in Delete["Objects"]]}
            try:
                spotify_etl.Lake(S3(), "lake", "p/", {}).delete(["_pipeline/jobs/1-a/staging/x"])
                print("no error")
            except RuntimeError as e:
                print(e)
            """);

        Assert.Contains("p/_pipeline/jobs/1-a/staging/x (AccessDenied: Access Denied)", message, StringComparison.Ordinal);
    }

    // The staging loop must not run on the driver: main() hands the files to Spark, one partition per file.
    [Fact]
    public async Task GlueScript_Staging_RunsOneSparkTaskPerRawFile()
    {
        var result = await PythonAsync(
            """
            import json, spotify_etl
            calls = {}
            class Rdd:
                def __init__(self, items): self.items = items
                def mapPartitions(self, f):
                    calls["partitions"] = [list(f(iter([i]))) for i in self.items]
                    return self
                def collect(self): return [r for p in calls["partitions"] for r in p]
            class Sc:
                def parallelize(self, items, slices):
                    calls["slices"] = slices
                    return Rdd(items)
            spotify_etl.stage_partition = lambda job, it: ({"ordinal": o, "key": k} for o, k in it)
            results = spotify_etl.stage_on_executors(Sc(), {}, ["raw/tracks/b.csv", "raw/albums/a.csv"])
            print(json.dumps({"slices": calls["slices"], "ordinals": [r["ordinal"] for r in results]}))
            """);

        Assert.Equal("""{"slices": 2, "ordinals": [1, 2]}""", result.Trim());
    }

    private static async Task<string> PythonFileAsync(string path) =>
        await PythonAsync($"import runpy, sys; sys.argv = [{JsonSerializer.Serialize(path)}, '.']; runpy.run_path(sys.argv[0], run_name='__main__')");

    [GeneratedRegex("""SqlScripts\.Transform\((?:"(?<literal>[a-z_]+)"|"validate_" \+ name)\)""")]
    private static partial Regex SqlCall();

    [Fact]
    public async Task GlueScript_EntityOf_AgreesWithRawKeysOnEveryCase()
    {
        // The worker plans with RawKeys and the job stages with entity_of: one rule, so they must agree key for key.
        var keys = RawKeysTests.Cases.Select(c => c.Data.Item1).ToList();
        var answers = JsonSerializer.Deserialize<List<string?>>(await PythonAsync(
            "import json, sys, spotify_etl; print(json.dumps([spotify_etl.entity_of('raw/', k) for k in json.load(sys.stdin)]))",
            JsonSerializer.Serialize(keys)))!;

        var expected = keys.Select(k => RawKeys.Classify("raw/", k).Entity?.Name()).ToList();
        Assert.Equal(expected, answers);
        Assert.Contains(null, answers);
        Assert.Equal(3, answers.OfType<string>().Distinct().Count());
    }
}
