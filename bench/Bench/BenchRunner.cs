using System.Globalization;

namespace SpotifyWorker.Bench;

/// <summary>Runs the selected cases and writes the results file (bench/results/&lt;date&gt;.md by default).</summary>
internal static class BenchRunner
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        ChildProcess.EnsureTools();
        var worker = new Worker(options);
        worker.Publish();
        var baseline = options.Baseline is null ? null : new Worker(options, options.Baseline);
        if (baseline is not null && !File.Exists(baseline.Executable)) throw new ArgumentException($"--baseline: {baseline.Executable} does not exist");
        if (!File.Exists(worker.Executable)) throw new ArgumentException($"{worker.Executable} does not exist");
        var runs = Path.Combine(options.Work, "runs");
        if (Directory.Exists(runs)) Directory.Delete(runs, recursive: true);
        Directory.CreateDirectory(runs);
        var context = new BenchContext(options, worker, baseline, new Datasets(options, worker), runs, new Results());

        var started = DateTimeOffset.Now;
        var load = Report.LoadAverage();
        if (options.Cases.Contains("full")) FullCase.Run(context, "full", options.FullScale, options.Reps, afterRep: null);
        if (options.Cases.Contains("full10") || options.Cases.Contains("drop")) LargeCase.Run(context);
        if (options.Cases.Contains("growth")) GrowthCase.Run(context);
        if (options.Cases.Contains("noop")) NoOpCase.Run(context);
        Directory.Delete(runs, recursive: true);

        var path = await Report.WriteAsync(context, load, Report.LoadAverage(), DateTimeOffset.Now - started).ConfigureAwait(false);
        Console.WriteLine($"bench: results in {path}");
        return 0;
    }

    /// <summary>Runs the actions of one repetition, starting with a different one each repetition, so that none always pays for going first.</summary>
    public static void Rotated(int rep, params Action?[] actions)
    {
        var present = actions.Where(a => a is not null).ToList();
        for (var i = 0; i < present.Count; i++) present[(rep + i) % present.Count]!();
    }

    /// <summary>Times a floor script (bench/&lt;script&gt;) as a child process, like a worker run.</summary>
    public static Measurement Floor(BenchContext context, string script, double scale, string temp, params string[] values) =>
        ChildProcess.Measure(BenchExecutable(out var prefix), [.. prefix, "floor",
            Path.Combine(context.Options.Repo, "bench", script), context.Options.FloorMemoryLimit(scale),
            context.Options.Threads.ToString(CultureInfo.InvariantCulture), temp, .. values]);

    /// <summary>The worker against the --baseline one, run by run in the same repetitions.</summary>
    public static void CompareRows(List<ResultRow> rows, string label, IReadOnlyList<Measurement> current, IReadOnlyList<Measurement> baselines)
    {
        rows.Add(new ResultRow(label, "ratio worker / baseline worker (wall, per rep)", new Series(current.Zip(baselines, (c, b) => c.WallSeconds / b.WallSeconds)), "F2", "x"));
        rows.Add(new ResultRow(label, "ratio worker / baseline worker (CPU, per rep)", new Series(current.Zip(baselines, (c, b) => c.CpuSeconds / b.CpuSeconds)), "F2", "x"));
    }

    public static Series Wall(IEnumerable<Measurement> runs) => new(runs.Select(m => m.WallSeconds));

    public static Series Cpu(IEnumerable<Measurement> runs) => new(runs.Select(m => m.CpuSeconds));

    public static Series Rss(IEnumerable<Measurement> runs) => new(runs.Select(m => m.PeakRssBytes / BenchContext.MiB));

    public static Series Ratio(IEnumerable<Measurement> numerators, IEnumerable<Measurement> denominators, Func<Measurement, double> value) =>
        new(numerators.Zip(denominators, (n, d) => value(n) / value(d)));

    /// <summary>Reads a dataset once so that the first timed run does not pay for a cold page cache alone.</summary>
    public static void Warm(string dataset)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(dataset, "raw"), "*", SearchOption.AllDirectories))
        {
            using var stream = File.OpenRead(file);
            stream.CopyTo(Stream.Null);
        }
    }

    public static void DeleteIfExists(string folder)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>This program, to start a floor as a child process (the apphost, or dotnet with the dll).</summary>
    private static string BenchExecutable(out string[] prefix)
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("Unknown process path");
        prefix = Path.GetFileNameWithoutExtension(path) == "dotnet" ? [typeof(BenchRunner).Assembly.Location] : [];
        return path;
    }
}
