using System.Text.Json;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Worker.Cli;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Deploy;

/// <summary>The Dockerfile, read as text (no Docker engine in CI): base images, user, entry point, health check.</summary>
public sealed class DockerfileTests
{
    private static readonly IReadOnlyList<(string Instruction, string Arguments)> Instructions = Parse(RepoFiles.Read("Dockerfile"));

    [Fact]
    public void Dockerfile_BuildStage_UsesTheDotnetSdk() =>
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", Stages()[0], StringComparison.Ordinal);

    [Fact]
    public void Dockerfile_RuntimeStage_IsTheGlibcRuntimeDepsImage()
    {
        // DuckDB ships no musl build (no Alpine); the worker is no web app (no aspnet); apt-get needs a full distro image.
        // The published worker brings its own runtime (self-contained, Worker.csproj), so the image needs only its dependencies.
        var runtime = Stages()[^1];

        Assert.StartsWith("mcr.microsoft.com/dotnet/runtime-deps:10.0", runtime, StringComparison.Ordinal);
        Assert.All(["alpine", "musl", "aspnet", "chiseled", "distroless"], banned => Assert.DoesNotContain(banned, runtime, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Dockerfile_User_IsNotRoot()
    {
        var user = Last("USER");

        Assert.DoesNotContain(user.Split(':')[0], new[] { "root", "0" });
        Assert.Equal("app", user);
    }

    [Fact]
    public void Dockerfile_EntrypointAndCmd_StartTheService()
    {
        Assert.Equal([WorkerExecutable], Exec(Last("ENTRYPOINT")));
        Assert.Equal(["run"], Exec(Last("CMD")));
        Assert.Contains(WorkerCli.Create().Subcommands, c => c.Name == "run");
    }

    [Fact]
    public void Dockerfile_Healthcheck_RunsTheHealthVerb()
    {
        var healthcheck = Last("HEALTHCHECK");
        var command = healthcheck[(healthcheck.IndexOf("CMD ", StringComparison.Ordinal) + 4)..];

        Assert.Equal([WorkerExecutable, "health"], Exec(command));
        Assert.Contains(WorkerCli.Create().Subcommands, c => c.Name == "health");
    }

    [Fact]
    public async Task Dockerfile_Publish_IsSelfContainedCompositeIntoTheFolderTheImageRuns()
    {
        // runtime-deps has no `dotnet`: a framework-dependent publish would leave the image without a runtime. The
        // Dockerfile passes -r and relies on Worker.csproj to make that self-contained, which msbuild confirms.
        var publish = Instructions.Single(i => i.Instruction == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal)).Arguments;
        Assert.Contains("-r linux-x64", publish, StringComparison.Ordinal);
        Assert.DoesNotContain("--self-contained false", publish, StringComparison.Ordinal);
        Assert.Contains("-o /app", publish, StringComparison.Ordinal);
        Assert.Equal("/app", Last("WORKDIR"));

        var evaluated = await ToolRun.RunAsync("dotnet",
            ["msbuild", RepoFiles.PathOf("src/Worker/Worker.csproj"), "-getProperty:SelfContained", "-getProperty:PublishReadyToRunComposite", "-p:RuntimeIdentifier=linux-x64"],
            null, RepoFiles.PathOf("."), "evaluating Worker.csproj", TestContext.Current.CancellationToken);

        Assert.True(evaluated.ExitCode == 0, evaluated.Output + evaluated.Error);
        var properties = JsonDocument.Parse(evaluated.Output).RootElement.GetProperty("Properties");
        Assert.Equal("true", properties.GetProperty("SelfContained").GetString());
        Assert.Equal("true", properties.GetProperty("PublishReadyToRunComposite").GetString());
    }

    [Fact]
    public void Dockerfile_ScratchDirectory_IsAVolumeHoldingSpillAndHeartbeat()
    {
        var scratch = TemplateServiceTests.ScratchPath;

        Assert.Equal([scratch], Exec(Last("VOLUME")));
        var env = string.Join(' ', Instructions.Where(i => i.Instruction == "ENV").Select(i => i.Arguments));
        Assert.Contains($"Pipeline__DuckDb__TempDirectory={scratch}/", env, StringComparison.Ordinal);
        Assert.Contains($"Pipeline__Health__HeartbeatFile={scratch}/", env, StringComparison.Ordinal);
        Assert.Contains($"TMPDIR={scratch}", env, StringComparison.Ordinal);
    }

    [Fact]
    public void Dockerfile_CopySources_ExistInTheRepository()
    {
        var sources = Instructions
            .Where(i => i.Instruction == "COPY" && !i.Arguments.StartsWith("--from", StringComparison.Ordinal))
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1]);

        Assert.All(sources, source => Assert.True(Path.Exists(RepoFiles.PathOf(source)), $"COPY {source}: no such file"));
    }

    [Fact]
    public void Dockerignore_Context_LeavesOutBuildOutputAndLocalState()
    {
        var ignored = RepoFiles.Read(".dockerignore").Split('\n').Select(l => l.Trim()).ToHashSet();

        Assert.Superset(new HashSet<string> { "**/bin/", "**/obj/", "data/", ".git/" }, ignored);
    }

    // The self-contained worker's executable in the image: the app host is named after the assembly.
    internal static string WorkerExecutable => "/app/" + typeof(WorkerCli).Assembly.GetName().Name;

    private static List<string> Stages() =>
        [.. Instructions.Where(i => i.Instruction == "FROM").Select(i => i.Arguments.Split(' ')[0])];

    private static string Last(string instruction) => Instructions.Last(i => i.Instruction == instruction).Arguments;

    private static string[] Exec(string json) => JsonSerializer.Deserialize<string[]>(json)!;

    /// <summary>Instructions with their arguments, comments dropped and continuation lines joined.</summary>
    private static List<(string, string)> Parse(string dockerfile)
    {
        var logical = dockerfile.Replace("\\\r\n", " ", StringComparison.Ordinal).Replace("\\\n", " ", StringComparison.Ordinal);
        return [.. logical.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2))
            .Select(p => (p[0].ToUpperInvariant(), p.Length > 1 ? string.Join(' ', p[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)) : ""))];
    }
}
