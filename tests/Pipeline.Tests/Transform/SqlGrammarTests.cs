using System.Text.Json;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Transform;

/// <summary>
/// The SQL against real grammars (tools/sql-grammar: dt-sql-parser, bundled with esbuild for Node 20): every
/// Transform/Sql file must parse as Spark SQL (the Glue job runs it) and every view as Trino SQL (Athena engine 3).
/// DuckDB accepts both and more, so a DuckDB-only construct would pass every other local test. The tool is
/// installed from the lock file when missing (.ci/run installs it first); without node and npm this fails.
/// </summary>
public sealed class SqlGrammarTests
{
    private static readonly SemaphoreSlim Install = new(1, 1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Tool => Path.Combine(Deploy.RepoFiles.Root, "tools", "sql-grammar");

    private static Task<ToolRun.Result> RunAsync(string file, IEnumerable<string> arguments) =>
        ToolRun.RunAsync(file, arguments, null, Tool, "the SQL grammar check (Node 20 and npm)", Ct);

    /// <summary>npm ci (from package-lock.json) when node_modules is missing, then the esbuild bundle when it is older than its inputs.</summary>
    private static async Task<string> EnsureBundleAsync()
    {
        var bundle = Path.Combine(Tool, "dist", "check.cjs");
        await Install.WaitAsync(Ct);
        try
        {
            if (!Directory.Exists(Path.Combine(Tool, "node_modules", "dt-sql-parser")))
            {
                var ci = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"]);
                Assert.True(ci.ExitCode == 0, $"npm ci in {Tool} failed ({ci.ExitCode}): {ci.Error}");
            }
            var inputs = new[] { "check.mjs", "package-lock.json" }.Max(f => File.GetLastWriteTimeUtc(Path.Combine(Tool, f)));
            if (!File.Exists(bundle) || File.GetLastWriteTimeUtc(bundle) < inputs)
            {
                var build = await RunAsync("npm", ["run", "-s", "build"]);
                Assert.True(build.ExitCode == 0, $"npm run build in {Tool} failed ({build.ExitCode}): {build.Error}");
            }
            return bundle;
        }
        finally
        {
            Install.Release();
        }
    }

    private static async Task<(int ExitCode, Dictionary<string, List<string>> Errors)> CheckAsync(IEnumerable<string> spark, IEnumerable<string> trino)
    {
        var bundle = await EnsureBundleAsync();
        var run = await RunAsync("node", [bundle, "--spark", .. spark, "--trino", .. trino]);
        Assert.True(run.ExitCode is 0 or 1, $"the grammar check exited {run.ExitCode}: {run.Error}");
        return (run.ExitCode, JsonSerializer.Deserialize<Dictionary<string, List<string>>>(run.Output)!);
    }

    [Fact]
    public async Task SharedSql_TransformAsSparkAndViewsAsTrino_Parse()
    {
        var root = Deploy.RepoFiles.Root;
        var transform = Directory.GetFiles(Path.Combine(root, "src", "Pipeline", "Transform", "Sql"), "*.sql");
        var views = Directory.GetFiles(Path.Combine(root, "src", "Pipeline", "Query", "Sql", "Views"), "*.sql");

        var (exitCode, errors) = await CheckAsync(transform, views);

        Assert.Equal(transform.Length + views.Length, errors.Count);
        Assert.True(transform.Length >= 7 && views.Length >= 7, "the SQL folders hold fewer files than the product has");
        Assert.Empty(errors.Where(e => e.Value.Count > 0).Select(e => $"{e.Key}: {string.Join("; ", e.Value)}"));
        Assert.Equal(0, exitCode);
    }

    [Theory]
    [InlineData("qualify.sql")]
    [InlineData("double_colon_cast.sql")]
    [InlineData("select_exclude.sql")]
    public async Task DuckDbOnlySyntax_Fixture_FailsBothGrammars(string fixture)
    {
        var path = Path.Combine(Tool, "fixtures", fixture);

        var (exitCode, errors) = await CheckAsync([path], [path]);

        Assert.Equal(1, exitCode);
        Assert.NotEmpty(errors["spark:" + path]);
        Assert.NotEmpty(errors["trino:" + path]);
    }
}
