namespace SpotifyWorker.Bench;

/// <summary>The worker as users run it: published in Release, driven through its CLI.</summary>
internal sealed class Worker(BenchOptions options, string? executable = null)
{
    /// <summary>This tree's worker, or another published one (--baseline) to compare with.</summary>
    public string Executable => executable ?? options.WorkerFolder ?? Path.Combine(options.Work, "publish", "SpotifyWorker");

    /// <summary>What the results call this worker: this tree's, or the published folder given with --worker.</summary>
    public string Description => executable is not null ? Path.GetDirectoryName(executable)!
        : options.WorkerFolder is not null ? Path.GetDirectoryName(options.WorkerFolder)! : "this tree's worker";

    /// <summary>Git tree id of the generator's sources: cached data is regenerated when it changes.</summary>
    public string GeneratorVersion { get; private set; } = "";

    public void Publish()
    {
        if (options.WorkerFolder is null && (!options.SkipPublish || !File.Exists(Executable)))
        {
            Console.WriteLine("bench: publishing the worker (Release)");
            ChildProcess.Run("dotnet", ["publish", Path.Combine(options.Repo, "src", "Worker"), "-c", "Release", "-o", Path.GetDirectoryName(Executable)!, "--nologo"]);
        }
        GeneratorVersion = ChildProcess.Run("git", ["rev-parse", "HEAD:src/Pipeline/Generation"], options.Repo).Stdout.Trim();
    }

    public void Run(IEnumerable<string> arguments) => ChildProcess.Run(Executable, arguments);

    /// <summary>Arguments every timed run gets: the same threads as the floor, and --memory-limit when given (else the worker's default).</summary>
    public IReadOnlyList<string> RunOnce(string lake, params string[] settings) =>
    [
        "run-once", "--lake", lake, "--log-format", "json",
        .. (options.MemoryLimit is { } limit ? [$"--Pipeline:DuckDb:MemoryLimit={limit}"] : Array.Empty<string>()),
        $"--Pipeline:DuckDb:Threads={options.Threads}",
        .. settings,
    ];

    public Measurement MeasureRunOnce(string lake, params string[] settings) => ChildProcess.Measure(Executable, RunOnce(lake, settings));

    /// <summary>A timed run that must have processed new files (not NothingNew), so that a silent skip cannot pass as fast.</summary>
    public Measurement MeasureProcessingRun(string lake)
    {
        var run = MeasureRunOnce(lake);
        if (!run.Stdout.Contains("\"Outcome\":\"Succeeded\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{Executable} on {lake} did not process a batch:\n{run.Stdout}");
        }
        return run;
    }
}
