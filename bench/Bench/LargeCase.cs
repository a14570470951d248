namespace SpotifyWorker.Bench;

/// <summary>
/// Cases full10 and drop, which share their scale-10 loads: the full run against floor.sql at scale 10 (full10), then,
/// in the same repetition, a 1% drop (new and changed rows) run by the worker on its loaded lake and by
/// bench/floor_drop.sql on floor.sql's gold, the copy-on-write floor that rewrites the touched partitions (drop).
/// </summary>
internal static class LargeCase
{
    private const double RatioTarget = 1.5;

    public static void Run(BenchContext context)
    {
        var (options, worker, baseline) = (context.Options, context.Worker, context.Baseline);
        var withDrop = options.Cases.Contains("drop");
        var drop = withDrop ? context.Data.OnePercentDrop(options.LargeScale) : null;
        if (drop is not null) BenchRunner.Warm(drop);
        var floors = new List<Measurement>();
        var workers = new List<Measurement>();
        var baselines = new List<Measurement>();
        var label = $"drop 1% after scale {Datasets.Format(options.LargeScale)}";
        var full = FullCase.Run(context, "full10", options.LargeScale, options.LargeReps, withDrop ? rep =>
        {
            var floorOut = Path.Combine(context.Runs, $"floor-drop-{rep.Rep}");
            Datasets.AddDrop(drop!, rep.Lake);
            if (rep.BaselineLake is not null) Datasets.AddDrop(drop!, rep.BaselineLake);
            BenchRunner.Rotated(rep.Rep,
                () => floors.Add(BenchRunner.Floor(context, "floor_drop.sql", options.LargeScale, floorOut + "-tmp",
                    $"albums=csv:{Path.Combine(drop!, "raw", "albums")}", $"artists=csv:{Path.Combine(drop!, "raw", "artists")}",
                    $"tracks=csv:{Path.Combine(drop!, "raw", "tracks")}", $"gold={Path.Combine(rep.FloorGold, "**", "*.parquet")}", $"out={floorOut}")),
                () => workers.Add(worker.MeasureProcessingRun(rep.Lake)),
                rep.BaselineLake is null ? null : () => baselines.Add(baseline!.MeasureProcessingRun(rep.BaselineLake)));
            Console.WriteLine($"bench: {label} rep {rep.Rep + 1}: copy-on-write floor {floors[^1].WallSeconds:F2} s, worker {workers[^1].WallSeconds:F2} s" +
                (baselines.Count > rep.Rep ? $", baseline {baselines[^1].WallSeconds:F2} s" : ""));
            BenchRunner.DeleteIfExists(floorOut);
            BenchRunner.DeleteIfExists(floorOut + "-tmp");
        } : null);
        if (withDrop) AddRows(context, label, options.LargeScale >= 10, full, floors, workers, baselines);
    }

    private static void AddRows(BenchContext context, string label, bool atTen, FullRuns full, List<Measurement> floors, List<Measurement> workers, List<Measurement> baselines)
    {
        var rows = context.Results.Rows;
        var ratio = BenchRunner.Ratio(workers, floors, m => m.WallSeconds);
        var baselineRatio = baselines.Count > 0 ? BenchRunner.Ratio(baselines, floors, m => m.WallSeconds) : null;
        context.Results.Targets.Add(new TargetRow(label, "drop run / floor_drop.sql (wall)", $"<= {RatioTarget:F1}x", ratio, baselineRatio, r => r <= RatioTarget, "F2", "x"));
        var toFull = BenchRunner.Ratio(workers, full.Workers, m => m.WallSeconds);
        var baselineToFull = baselines.Count > 0 ? BenchRunner.Ratio(baselines, full.Baselines, m => m.WallSeconds) : null;
        context.Results.Targets.Add(new TargetRow(label, "drop run / full load (wall; reported, no target)", "", toFull, baselineToFull, _ => true, "F3", "x", Judged: false));
        if (atTen)
        {
            context.Results.Targets.Add(new TargetRow(label, "peak RSS (max over reps)", BenchContext.RssTarget,
                new Series([BenchRunner.Rss(workers).Max]), baselines.Count > 0 ? new Series([BenchRunner.Rss(baselines).Max]) : null,
                r => r <= BenchContext.RssTargetMiB, "F0", " MiB"));
        }
        rows.Add(new ResultRow(label, "floor_drop.sql wall (copy-on-write floor)", BenchRunner.Wall(floors), "F2", " s"));
        rows.Add(new ResultRow(label, "worker run-once wall", BenchRunner.Wall(workers), "F2", " s"));
        rows.Add(new ResultRow(label, "worker run (EMF DurationSeconds)", new Series(workers.Select(m => m.RunSeconds ?? double.NaN)), "F2", " s"));
        rows.Add(new ResultRow(label, "ratio worker / copy-on-write floor (wall, per rep)", ratio, "F2", "x", $"<= {RatioTarget:F1}x", ratio.Median <= RatioTarget));
        rows.Add(new ResultRow(label, "ratio worker / copy-on-write floor (CPU, per rep)", BenchRunner.Ratio(workers, floors, m => m.CpuSeconds), "F2", "x"));
        rows.Add(new ResultRow(label, "ratio worker drop / worker full load (wall, per rep)", toFull, "F3", "x"));
        rows.Add(new ResultRow(label, "ratio worker drop / worker full load (CPU, per rep)", BenchRunner.Ratio(workers, full.Workers, m => m.CpuSeconds), "F3", "x"));
        rows.Add(new ResultRow(label, "floor_drop.sql peak RSS", BenchRunner.Rss(floors), "F0", " MiB"));
        var rss = BenchRunner.Rss(workers);
        rows.Add(new ResultRow(label, "worker peak RSS", rss, "F0", " MiB", atTen ? BenchContext.RssTarget : "", atTen ? rss.Max <= BenchContext.RssTargetMiB : null));
        context.Results.Steps.Add(new StepBreakdown(label, workers));
        if (baselines.Count == 0) return;
        rows.Add(new ResultRow(label, "baseline worker run-once wall", BenchRunner.Wall(baselines), "F2", " s"));
        rows.Add(new ResultRow(label, "ratio baseline worker / copy-on-write floor (wall, per rep)", baselineRatio!, "F2", "x", $"<= {RatioTarget:F1}x", baselineRatio!.Median <= RatioTarget));
        rows.Add(new ResultRow(label, "ratio baseline drop / baseline full load (wall, per rep)", baselineToFull!, "F3", "x"));
        var baselineRss = BenchRunner.Rss(baselines);
        rows.Add(new ResultRow(label, "baseline worker peak RSS", baselineRss, "F0", " MiB", atTen ? BenchContext.RssTarget : "", atTen ? baselineRss.Max <= BenchContext.RssTargetMiB : null));
        BenchRunner.CompareRows(rows, label, workers, baselines);
        context.Results.Steps.Add(new StepBreakdown(label + ", baseline worker", baselines));
    }
}
