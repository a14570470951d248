using System.Globalization;

namespace SpotifyWorker.Bench;

/// <summary>One line of the results table.</summary>
internal sealed record ResultRow(string Case, string Metric, Series Values, string Format, string Unit, string Target = "", bool? Met = null);

/// <summary>Median step seconds of a group of worker runs (from their PipelineRunCompleted events).</summary>
internal sealed record StepBreakdown(string Case, IReadOnlyList<Measurement> Runs);

/// <summary>Runs the three cases and writes bench/results/&lt;date&gt;.md.</summary>
internal static class BenchRunner
{
    private const double MiB = 1024 * 1024;
    private const double GiB = 1024 * MiB;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        ChildProcess.EnsureTools();
        var worker = new Worker(options);
        worker.Publish();
        var data = new Datasets(options, worker);
        var baseline = options.Baseline is null ? null : new Worker(options, options.Baseline);
        var runs = Path.Combine(options.Work, "runs");
        if (Directory.Exists(runs)) Directory.Delete(runs, recursive: true);
        Directory.CreateDirectory(runs);

        var rows = new List<ResultRow>();
        var steps = new List<StepBreakdown>();
        var started = DateTimeOffset.Now;
        var load = Report.LoadAverage();
        if (options.Cases.Contains("full")) FullVersusFloor(options, worker, baseline, data, runs, rows, steps);
        if (options.Cases.Contains("incremental")) Incremental(options, worker, data, runs, rows, steps);
        if (options.Cases.Contains("noop")) NoOp(options, worker, baseline, runs, rows, steps);
        Directory.Delete(runs, recursive: true);

        var path = await Report.WriteAsync(options, rows, steps, load, DateTimeOffset.Now - started).ConfigureAwait(false);
        Console.WriteLine($"bench: results in {path}");
        return 0;
    }

    /// <summary>Case 1: a full run at Kaggle scale against bench/floor.sql, alternating which goes first.</summary>
    private static void FullVersusFloor(BenchOptions options, Worker worker, Worker? baseline, Datasets data, string runs, List<ResultRow> rows, List<StepBreakdown> steps)
    {
        var dataset = data.Generated(options.FullScale);
        Warm(dataset);
        var floors = new List<Measurement>();
        var pipelines = new List<Measurement>();
        var baselines = new List<Measurement>();
        for (var rep = 0; rep < options.Reps; rep++)
        {
            var lake = Path.Combine(runs, $"full-{rep}");
            Datasets.LinkRaw(dataset, lake);
            var floorOut = Path.Combine(runs, $"floor-{rep}");
            Measurement Floor() => ChildProcess.Measure(BenchExecutable(out var prefix), [.. prefix, "floor",
                Path.Combine(options.Repo, "bench", "floor.sql"), Path.Combine(dataset, "raw"), floorOut, options.MemoryLimit,
                options.Threads.ToString(CultureInfo.InvariantCulture), Path.Combine(runs, $"floor-tmp-{rep}")]);
            if (rep % 2 == 0)
            {
                floors.Add(Floor());
                pipelines.Add(worker.MeasureRunOnce(lake));
            }
            else
            {
                pipelines.Add(worker.MeasureRunOnce(lake));
                floors.Add(Floor());
            }
            Console.WriteLine($"bench: full rep {rep + 1}: floor {floors[^1].WallSeconds:F2} s, pipeline {pipelines[^1].WallSeconds:F2} s");
            Directory.Delete(lake, recursive: true);
            if (baseline is not null)
            {
                Datasets.LinkRaw(dataset, lake);
                baselines.Add(baseline.MeasureRunOnce(lake));
                Directory.Delete(lake, recursive: true);
            }
            Directory.Delete(floorOut, recursive: true);
        }
        var scale = $"full, scale {Datasets.Format(options.FullScale)}";
        rows.Add(new ResultRow(scale, "floor.sql wall", new Series(floors.Select(m => m.WallSeconds)), "F2", " s"));
        rows.Add(new ResultRow(scale, "pipeline run-once wall", new Series(pipelines.Select(m => m.WallSeconds)), "F2", " s"));
        rows.Add(new ResultRow(scale, "pipeline run (EMF DurationSeconds)", new Series(pipelines.Select(m => m.RunSeconds ?? double.NaN)), "F2", " s"));
        var ratio = new Series(pipelines.Zip(floors, (p, f) => p.WallSeconds / f.WallSeconds));
        rows.Add(new ResultRow(scale, "ratio pipeline / floor (wall, per rep)", ratio, "F2", "x", "<= 1.25x", ratio.Median <= 1.25));
        rows.Add(new ResultRow(scale, "floor.sql CPU (user+sys)", new Series(floors.Select(m => m.CpuSeconds)), "F2", " s"));
        rows.Add(new ResultRow(scale, "pipeline CPU (user+sys)", new Series(pipelines.Select(m => m.CpuSeconds)), "F2", " s"));
        rows.Add(new ResultRow(scale, "ratio pipeline / floor (CPU, per rep)", new Series(pipelines.Zip(floors, (p, f) => p.CpuSeconds / f.CpuSeconds)), "F2", "x"));
        rows.Add(new ResultRow(scale, "floor peak RSS", new Series(floors.Select(m => m.PeakRssBytes / MiB)), "F0", " MiB"));
        rows.Add(new ResultRow(scale, "pipeline peak RSS", new Series(pipelines.Select(m => m.PeakRssBytes / MiB)), "F0", " MiB"));
        steps.Add(new StepBreakdown(scale, pipelines));
        if (baseline is not null)
        {
            CompareRows(rows, scale, pipelines, baselines);
            steps.Add(new StepBreakdown(scale + ", baseline worker", baselines));
        }
    }

    /// <summary>This tree's worker against the --baseline one, run by run in the same repetitions.</summary>
    private static void CompareRows(List<ResultRow> rows, string label, IReadOnlyList<Measurement> current, IReadOnlyList<Measurement> baselines)
    {
        rows.Add(new ResultRow(label, "baseline worker wall", new Series(baselines.Select(m => m.WallSeconds)), "F2", " s"));
        rows.Add(new ResultRow(label, "ratio this / baseline worker (wall, per rep)", new Series(current.Zip(baselines, (c, b) => c.WallSeconds / b.WallSeconds)), "F2", "x"));
        rows.Add(new ResultRow(label, "ratio this / baseline worker (CPU, per rep)", new Series(current.Zip(baselines, (c, b) => c.CpuSeconds / b.CpuSeconds)), "F2", "x"));
        rows.Add(new ResultRow(label, "baseline worker peak RSS", new Series(baselines.Select(m => m.PeakRssBytes / MiB)), "F0", " MiB"));
    }

    /// <summary>Case 2: a full load, then a run over a 1% drop (new and updated rows), both timed in each rep.</summary>
    private static void Incremental(BenchOptions options, Worker worker, Datasets data, string runs, List<ResultRow> rows, List<StepBreakdown> steps)
    {
        var dataset = data.Generated(options.IncrementalScale);
        var drop = data.OnePercentDrop(options.IncrementalScale);
        Warm(dataset);
        var fulls = new List<Measurement>();
        var incrementals = new List<Measurement>();
        for (var rep = 0; rep < options.Reps; rep++)
        {
            var lake = Path.Combine(runs, $"incremental-{rep}");
            Datasets.LinkRaw(dataset, lake);
            fulls.Add(worker.MeasureRunOnce(lake));
            Datasets.AddDrop(drop, lake);
            incrementals.Add(worker.MeasureRunOnce(lake));
            Console.WriteLine($"bench: incremental rep {rep + 1}: full {fulls[^1].WallSeconds:F2} s, 1% drop {incrementals[^1].WallSeconds:F2} s");
            Directory.Delete(lake, recursive: true);
        }
        var scale = $"incremental, scale {Datasets.Format(options.IncrementalScale)}";
        var atTen = options.IncrementalScale >= 10;
        rows.Add(new ResultRow(scale, "full load wall", new Series(fulls.Select(m => m.WallSeconds)), "F2", " s"));
        rows.Add(new ResultRow(scale, "1% drop wall", new Series(incrementals.Select(m => m.WallSeconds)), "F2", " s"));
        var ratio = new Series(incrementals.Zip(fulls, (i, f) => i.WallSeconds / f.WallSeconds));
        rows.Add(new ResultRow(scale, "ratio 1% drop / full (wall, per rep)", ratio, "F3", "x", "<= 0.15x", ratio.Median <= 0.15));
        rows.Add(new ResultRow(scale, "ratio 1% drop / full (CPU, per rep)", new Series(incrementals.Zip(fulls, (i, f) => i.CpuSeconds / f.CpuSeconds)), "F3", "x"));
        var fullRss = new Series(fulls.Select(m => m.PeakRssBytes / MiB));
        var incrementalRss = new Series(incrementals.Select(m => m.PeakRssBytes / MiB));
        rows.Add(new ResultRow(scale, "full load peak RSS", fullRss, "F0", " MiB", atTen ? "<= 1024 MiB" : "", atTen ? fullRss.Max <= GiB / MiB : null));
        rows.Add(new ResultRow(scale, "1% drop peak RSS", incrementalRss, "F0", " MiB", atTen ? "<= 1024 MiB" : "", atTen ? incrementalRss.Max <= GiB / MiB : null));
        steps.Add(new StepBreakdown(scale + ", full load", fulls));
        steps.Add(new StepBreakdown(scale + ", 1% drop", incrementals));
    }

    /// <summary>
    /// Case 3: runs with nothing new over a manifest of 1k, 3k and 10k small raw files. The history is grown like
    /// a real one: bulk batches under the default caps, then single-file nightly commits until the newest
    /// checkpoint is followed by 19 log entries (checkpoints come every 20 commits), the most a load replays.
    /// </summary>
    private static void NoOp(BenchOptions options, Worker worker, Worker? baseline, string runs, List<ResultRow> rows, List<StepBreakdown> steps)
    {
        var lake = Path.Combine(runs, "noop");
        Directory.CreateDirectory(lake);
        var files = 0;
        var medians = new List<(int Files, double Seconds)>();
        foreach (var size in options.NoopSizes.Order())
        {
            // Bulk at the default caps (500 files a batch), then t single-file commits with (commits + t) % 20 == 19.
            var commits = Commits(lake);
            var tail = Enumerable.Range(0, 20).First(t => (commits + Batches(size - t - files, 500) + t) % 20 == 19);
            Datasets.WriteSmallFiles(lake, files, size - tail);
            worker.Run(worker.RunOnce(lake));
            Datasets.WriteSmallFiles(lake, size - tail, size);
            if (tail > 0) worker.Run(worker.RunOnce(lake, "--Pipeline:Batch:MaxFiles=1"));
            files = size;

            var noops = new List<Measurement>();
            var baselines = new List<Measurement>();
            for (var rep = 0; rep < Math.Max(options.Reps, 5); rep++)
            {
                noops.Add(NoOpRun(worker, lake, size));
                if (baseline is not null) baselines.Add(NoOpRun(baseline, lake, size));
            }
            var label = $"no-op, {size:N0} raw files, {Commits(lake)} commits";
            var wall = new Series(noops.Select(m => m.WallSeconds));
            Console.WriteLine($"bench: {label}: {wall.Median:F2} s");
            rows.Add(new ResultRow(label, "run-once wall (process)", wall, "F2", " s", size >= 10_000 ? "< 1 s" : "", size >= 10_000 ? wall.Median < 1 : null));
            rows.Add(new ResultRow(label, "run (EMF DurationSeconds)", new Series(noops.Select(m => m.RunSeconds ?? double.NaN)), "F3", " s"));
            rows.Add(new ResultRow(label, "CPU (user+sys)", new Series(noops.Select(m => m.CpuSeconds)), "F2", " s"));
            rows.Add(new ResultRow(label, "peak RSS", new Series(noops.Select(m => m.PeakRssBytes / MiB)), "F0", " MiB"));
            steps.Add(new StepBreakdown(label, noops));
            if (baseline is not null) CompareRows(rows, label, noops, baselines);
            medians.Add((size, wall.Median));
        }
        if (medians.Count > 1)
        {
            var growth = medians[^1].Seconds / medians[0].Seconds;
            rows.Add(new ResultRow($"no-op growth {medians[0].Files:N0} -> {medians[^1].Files:N0} files", "median wall ratio", new Series([growth]), "F2", "x", "flat (<= 1.2x)", growth <= 1.2));
        }
    }

    private static Measurement NoOpRun(Worker worker, string lake, int size)
    {
        var run = worker.MeasureRunOnce(lake);
        if (!run.Stdout.Contains("\"Outcome\":\"NothingNew\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The no-op run at {size} files processed something:\n{run.Stdout}");
        }
        return run;
    }

    private static int Batches(int files, int cap) => files <= 0 ? 0 : (files + cap - 1) / cap;

    private static int Commits(string lake)
    {
        var log = Path.Combine(lake, "_pipeline", "log");
        return Directory.Exists(log) ? Directory.GetFiles(log, "*.json").Length : 0;
    }

    /// <summary>Reads a dataset once so that the first timed run does not pay for a cold page cache alone.</summary>
    private static void Warm(string dataset)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(dataset, "raw"), "*", SearchOption.AllDirectories))
        {
            using var stream = File.OpenRead(file);
            stream.CopyTo(Stream.Null);
        }
    }

    /// <summary>This program, to start the floor as a child process (the apphost, or dotnet with the dll).</summary>
    private static string BenchExecutable(out string[] prefix)
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("Unknown process path");
        if (Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            prefix = [typeof(BenchRunner).Assembly.Location];
            return path;
        }
        prefix = [];
        return path;
    }
}
