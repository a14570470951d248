namespace SpotifyWorker.Bench;

/// <summary>
/// Case noop: runs with nothing new over a manifest of 1k, 3k and 10k small raw files. The history is grown like
/// a real one: bulk batches under the default caps, then single-file nightly commits until the newest
/// checkpoint is followed by 19 log entries (checkpoints come every 20 commits), the most a load replays.
/// The --baseline worker grows and reads a lake of its own: a lake one worker wrote may be of a format the other
/// refuses (an older worker meeting a newer lake) or upgrades (a newer one meeting an older lake).
/// </summary>
internal static class NoOpCase
{
    public static void Run(BenchContext context)
    {
        var (options, worker, baseline) = (context.Options, context.Worker, context.Baseline);
        var lake = Path.Combine(context.Runs, "noop");
        var baselineLake = baseline is null ? null : lake + "-baseline";
        var files = 0;
        var medians = new List<(int Files, double Seconds)>();
        foreach (var size in options.NoopSizes.Order())
        {
            Grow(worker, lake, files, size);
            if (baselineLake is not null) Grow(baseline!, baselineLake, files, size);
            files = size;

            var noops = new List<Measurement>();
            var baselines = new List<Measurement>();
            for (var rep = 0; rep < Math.Max(options.Reps, 5); rep++)
            {
                BenchRunner.Rotated(rep,
                    () => noops.Add(NoOpRun(worker, lake, size)),
                    baselineLake is null ? null : () => baselines.Add(NoOpRun(baseline!, baselineLake, size)));
            }
            var label = $"no-op, {size:N0} raw files, {Commits(lake)} commits";
            var wall = BenchRunner.Wall(noops);
            Console.WriteLine($"bench: {label}: {wall.Median:F2} s" + (baselines.Count > 0 ? $", baseline {BenchRunner.Wall(baselines).Median:F2} s" : ""));
            var rows = context.Results.Rows;
            var judged = size >= 10_000;
            rows.Add(new ResultRow(label, "run-once wall (process)", wall, "F2", " s", judged ? "< 1 s" : "", judged ? wall.Median < 1 : null));
            rows.Add(new ResultRow(label, "run (EMF DurationSeconds)", new Series(noops.Select(m => m.RunSeconds ?? double.NaN)), "F3", " s"));
            rows.Add(new ResultRow(label, "CPU (user+sys)", BenchRunner.Cpu(noops), "F2", " s"));
            rows.Add(new ResultRow(label, "peak RSS", BenchRunner.Rss(noops), "F0", " MiB"));
            context.Results.Steps.Add(new StepBreakdown(label, noops));
            if (baselines.Count > 0)
            {
                var baselineWall = BenchRunner.Wall(baselines);
                rows.Add(new ResultRow(label, "baseline worker run-once wall (process)", baselineWall, "F2", " s", judged ? "< 1 s" : "", judged ? baselineWall.Median < 1 : null));
                rows.Add(new ResultRow(label, "baseline worker peak RSS", BenchRunner.Rss(baselines), "F0", " MiB"));
                BenchRunner.CompareRows(rows, label, noops, baselines);
                context.Results.Steps.Add(new StepBreakdown(label + ", baseline worker", baselines));
            }
            if (judged)
            {
                context.Results.Targets.Add(new TargetRow(label, "no-op run-once wall", "< 1 s", wall, baselines.Count > 0 ? BenchRunner.Wall(baselines) : null, s => s < 1, "F2", " s"));
            }
            medians.Add((size, wall.Median));
        }
        if (medians.Count > 1)
        {
            var growth = medians[^1].Seconds / medians[0].Seconds;
            context.Results.Rows.Add(new ResultRow($"no-op growth {medians[0].Files:N0} -> {medians[^1].Files:N0} files", "median wall ratio", new Series([growth]), "F2", "x"));
        }
    }

    /// <summary>Bulk at the default caps (500 files a batch), then t single-file commits with (commits + t) % 20 == 19.</summary>
    private static void Grow(Worker worker, string lake, int files, int size)
    {
        Directory.CreateDirectory(lake);
        var commits = Commits(lake);
        var tail = Enumerable.Range(0, 20).First(t => (commits + Batches(size - t - files, 500) + t) % 20 == 19);
        Datasets.WriteSmallFiles(lake, files, size - tail);
        worker.Run(worker.RunOnce(lake));
        Datasets.WriteSmallFiles(lake, size - tail, size);
        if (tail > 0) worker.Run(worker.RunOnce(lake, "--Pipeline:Batch:MaxFiles=1"));
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

    /// <summary>Log entries of the lake (the new worker's compaction commits count too: they are history a load reads).</summary>
    private static int Commits(string lake)
    {
        var log = Path.Combine(lake, "_pipeline", "log");
        return Directory.Exists(log) ? Directory.GetFiles(log, "*.json").Length : 0;
    }
}
