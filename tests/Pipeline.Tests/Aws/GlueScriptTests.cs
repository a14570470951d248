using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SpotifyWorker.Pipeline.Transform;
using SpotifyWorker.Pipeline.Transform.Csv;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Pipeline.Tests.Transform;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Aws;

/// <summary>
/// deploy/glue/spotify_etl.py cannot run here (no Spark), so what can be checked without it is: it compiles, it names
/// exactly the shared SQL files in DuckDbTransform's order, and its structural staging agrees with RawFileStager.
/// </summary>
public sealed partial class GlueScriptTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SpotifyWorker.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("SpotifyWorker.sln not found above " + AppContext.BaseDirectory);
    }

    private static string Script => Path.Combine(RepoRoot(), "deploy", "glue", "spotify_etl.py");

    private static async Task<string> PythonAsync(string code, string? stdin = null)
    {
        var start = new ProcessStartInfo("python3", ["-c", code])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Script)!,
        };
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1"; // no __pycache__ in the source tree
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(stdin ?? "");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0, $"python3 exited {process.ExitCode}: {await error}");
        return await output;
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
        var files = Directory.GetFiles(Path.Combine(RepoRoot(), "src", "Pipeline", "Transform", "Sql"), "*.sql").Select(Path.GetFileNameWithoutExtension).Order().ToList();

        // DuckDbTransform's order: validate_<entity> for each entity of Entities.All, then the gold steps as they appear in its source.
        var source = await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "src", "Pipeline", "Transform", "DuckDbTransform.cs"), Ct);
        var duckDb = new List<string>();
        foreach (Match match in SqlCall().Matches(source))
        {
            if (match.Groups["literal"].Success) duckDb.Add(match.Groups["literal"].Value);
            else duckDb.AddRange(Entities.All.Select(e => "validate_" + e.Name()));
        }

        Assert.Equal(files, steps.Order());
        Assert.Equal(duckDb, steps);
        var readme = await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "src", "Pipeline", "Transform", "Sql", "README.md"), Ct);
        Assert.Contains("`validate_<entity>` (x3) -> (`gold_current` defined) -> `gold_affected_tracks` -> `gold_delta` ->\n`gold_affected_partitions` -> `gold_rewrite`", readme.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GlueScript_GoldSchema_IsTheDeclaredGoldTable()
    {
        var schema = (await PythonAsync("import spotify_etl; print(spotify_etl.GOLD_SCHEMA)")).Trim();

        static string SparkType(string duckDb) => duckDb switch
        {
            "VARCHAR" => "STRING",
            "INTEGER" => "INT",
            "VARCHAR[]" => "ARRAY<STRING>",
            _ => duckDb,
        };
        var declared = string.Join(", ", Pipeline.Catalog.LakeTable.Gold.Columns.Select(c => $"{c.Name} {SparkType(c.Type)}"));
        Assert.Equal(declared, schema);
    }

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Optimal)) gzip.Write(Encoding.UTF8.GetBytes(text));
        return buffer.ToArray();
    }

    [GeneratedRegex("""SqlScripts\.Transform\((?:"(?<literal>[a-z_]+)"|"validate_" \+ name)\)""")]
    private static partial Regex SqlCall();

    public static TheoryData<string, string, byte[]> StagingCases => new()
    {
        { "clean with CRLF and BOM", "tracks", Encoding.UTF8.GetBytes("\uFEFFid,track_popularity,explicit\r\nt1,5,true\r\nt2,6,false\r\n") },
        { "columns in any order, extra columns, blank lines", "tracks", Encoding.UTF8.GetBytes("explicit,extra,id,track_popularity\n\ntrue,x,t1,5\n\nfalse,y,t2,6\n") },
        { "quoted commas, doubled quotes and a line break inside quotes", "tracks", Encoding.UTF8.GetBytes("id,track_popularity,explicit\n\"t,1\",5,true\n\"t\"\"2\",6,\"fal\nse\"\nt3,7,true\n") },
        { "wrong field counts", "tracks", Encoding.UTF8.GetBytes("id,track_popularity,explicit\nt1,5\nt2,6,true,extra\nt3,7,true\n") },
        { "text after a closing quote", "tracks", Encoding.UTF8.GetBytes("id,track_popularity,explicit\n\"t1\"x,5,true\nt2,6,true\n") },
        { "quote never closed", "tracks", Encoding.UTF8.GetBytes("id,track_popularity,explicit\nt1,5,true\n\"t2,6,true\nt3,7,false\n") },
        { "missing required column", "tracks", Encoding.UTF8.GetBytes("id,explicit\nt1,true\n") },
        { "duplicate required column", "tracks", Encoding.UTF8.GetBytes("id,id,track_popularity,explicit\nt1,t1,5,true\n") },
        { "a quote inside an unquoted field is data", "artists", Encoding.UTF8.GetBytes("id,name,artist_popularity,followers,genre_0,genre_1,genre_2,genre_3,genre_4,genre_5,genre_6\na1,5'10\" Band,3,4,pop,,,,,,\n") },
        { "not UTF-8 (Latin-1)", "tracks", [.. "id,track_popularity,explicit\nt1,5,true\n"u8, .. "caf"u8, 0xE9, .. ",6,true\n"u8] },
        { "truncated gzip", "tracks", Gzip("id,track_popularity,explicit\nt1,5,true\n")[..20] },
        { "gzip", "tracks", Gzip("id,track_popularity,explicit\nt1,5,true\nt2,x\n") },
    };

    [Theory]
    [MemberData(nameof(StagingCases))]
    public async Task GlueScript_StructuralStaging_AgreesWithRawFileStager(string name, string entityName, byte[] bytes)
    {
        var gzip = name.Contains("gzip", StringComparison.Ordinal);
        Entities.TryParse(entityName, out var entity);

        var csharp = RawFileStager.Stage(new MemoryStream(bytes), gzip, entity, 1, new MemoryStream(), Ct);
        var python = JsonDocument.Parse(await PythonAsync(
            """
            import base64, json, sys, spotify_etl
            request = json.load(sys.stdin)
            try:
                rows, staged, rejects = spotify_etl.stage_records(base64.b64decode(request["data"]), request["gzip"], request["entity"])
                print(json.dumps({"rows": rows, "staged": len(staged), "rejects": [[l, r] for l, _, r, _ in rejects], "error": None}))
            except spotify_etl.FileRefused as e:
                print(json.dumps({"rows": 0, "staged": 0, "rejects": [], "error": e.reason}))
            """,
            JsonSerializer.Serialize(new { data = Convert.ToBase64String(bytes), entity = entityName, gzip }))).RootElement;

        Assert.Equal(csharp.FileError?.Reason.Split(':')[0], python.GetProperty("error").GetString()?.Split(':')[0]);
        // The detail of these two is worded by each side's library (header listing, zlib's message); the code is what counts.
        if (csharp.FileError?.Code is not (RejectCode.MissingColumns or RejectCode.BadGzip)) Assert.Equal(csharp.FileError?.Reason, python.GetProperty("error").GetString());
        Assert.Equal(csharp.RowsRead, python.GetProperty("rows").GetInt64());
        Assert.Equal(csharp.RowsStaged, python.GetProperty("staged").GetInt64());
        Assert.Equal(
            csharp.Rejects.Select(r => $"{r.Line}: {r.Reason}"),
            python.GetProperty("rejects").EnumerateArray().Select(r => $"{r[0].GetInt64()}: {r[1].GetString()}"));
    }

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
