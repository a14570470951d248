namespace SpotifyWorker.Bench;

/// <summary>The lakes and the floor's gold one repetition of a full case leaves behind (for the drop that follows).</summary>
internal sealed record FullRep(int Rep, string Lake, string? BaselineLake, string FloorGold);

/// <summary>The timed runs of a full case, by repetition.</summary>
internal sealed record FullRuns(IReadOnlyList<Measurement> Floors, IReadOnlyList<Measurement> Workers, IReadOnlyList<Measurement> Baselines);

/// <summary>
/// Cases full and full10: a full run over one generated drop against bench/floor.sql (plain DuckDB writing the same
/// gold columns), and the --baseline worker over the same files, in a rotating order.
/// </summary>
internal static class FullCase
{
    private const double RatioTarget = 1.5;

    public static FullRuns Run(BenchContext context, string name, double scale, int reps, Action<FullRep>? afterRep)
    {
        var (options, worker, baseline) = (context.Options, context.Worker, context.Baseline);
        var dataset = context.Data.Generated(scale);
        BenchRunner.Warm(dataset);
        var floors = new List<Measurement>();
        var workers = new List<Measurement>();
        var baselines = new List<Measurement>();
        var label = $"{name}, scale {Datasets.Format(scale)}";
        for (var rep = 0; rep < reps; rep++)
        {
            var lake = Path.Combine(context.Runs, $"{name}-{rep}");
            var baselineLake = baseline is null ? null : lake + "-baseline";
            var floorOut = Path.Combine(context.Runs, $"{name}-floor-{rep}");
            Datasets.LinkRaw(dataset, lake);
            if (baselineLake is not null) Datasets.LinkRaw(dataset, baselineLake);
            BenchRunner.Rotated(rep,
                () => floors.Add(BenchRunner.Floor(context, "floor.sql", scale, floorOut + "-tmp",
                    $"albums=csv:{Path.Combine(dataset, "raw", "albums")}", $"artists=csv:{Path.Combine(dataset, "raw", "artists")}",
                    $"tracks=csv:{Path.Combine(dataset, "raw", "tracks")}", $"out={floorOut}")),
                () => workers.Add(worker.MeasureProcessingRun(lake)),
                baselineLake is null ? null : () => baselines.Add(baseline!.MeasureProcessingRun(baselineLake)));
            Console.WriteLine($"bench: {label} rep {rep + 1}: floor {floors[^1].WallSeconds:F2} s, worker {workers[^1].WallSeconds:F2} s" +
                (baselines.Count > rep ? $", baseline {baselines[^1].WallSeconds:F2} s" : ""));
            afterRep?.Invoke(new FullRep(rep, lake, baselineLake, floorOut));
            BenchRunner.DeleteIfExists(lake);
            if (baselineLake is not null) BenchRunner.DeleteIfExists(baselineLake);
            BenchRunner.DeleteIfExists(floorOut);
            BenchRunner.DeleteIfExists(floorOut + "-tmp");
        }
        AddRows(context, label, scale >= 10, floors, workers, baselines);
        return new FullRuns(floors, workers, baselines);
    }

    private static void AddRows(BenchContext context, string label, bool atTen, List<Measurement> floors, List<Measurement> workers, List<Measurement> baselines)
    {
        var rows = context.Results.Rows;
        var ratio = BenchRunner.Ratio(workers, floors, m => m.WallSeconds);
        var baselineRatio = baselines.Count > 0 ? BenchRunner.Ratio(baselines, floors, m => m.WallSeconds) : null;
        context.Results.Targets.Add(new TargetRow(label, "run / floor.sql (wall)", $"<= {RatioTarget:F1}x", ratio, baselineRatio, r => r <= RatioTarget, "F2", "x"));
        if (atTen)
        {
            context.Results.Targets.Add(new TargetRow(label, "peak RSS (max over reps)", BenchContext.RssTarget,
                new Series([BenchRunner.Rss(workers).Max]), baselines.Count > 0 ? new Series([BenchRunner.Rss(baselines).Max]) : null,
                r => r <= BenchContext.RssTargetMiB, "F0", " MiB"));
        }
        rows.Add(new ResultRow(label, "floor.sql wall", BenchRunner.Wall(floors), "F2", " s"));
        rows.Add(new ResultRow(label, "worker run-once wall", BenchRunner.Wall(workers), "F2", " s"));
        rows.Add(new ResultRow(label, "worker run (EMF DurationSeconds)", new Series(workers.Select(m => m.RunSeconds ?? double.NaN)), "F2", " s"));
        rows.Add(new ResultRow(label, "ratio worker / floor (wall, per rep)", ratio, "F2", "x", $"<= {RatioTarget:F1}x", ratio.Median <= RatioTarget));
        rows.Add(new ResultRow(label, "floor.sql CPU (user+sys)", BenchRunner.Cpu(floors), "F2", " s"));
        rows.Add(new ResultRow(label, "worker CPU (user+sys)", BenchRunner.Cpu(workers), "F2", " s"));
        rows.Add(new ResultRow(label, "ratio worker / floor (CPU, per rep)", BenchRunner.Ratio(workers, floors, m => m.CpuSeconds), "F2", "x"));
        rows.Add(new ResultRow(label, "floor peak RSS", BenchRunner.Rss(floors), "F0", " MiB"));
        var rss = BenchRunner.Rss(workers);
        rows.Add(new ResultRow(label, "worker peak RSS", rss, "F0", " MiB", atTen ? BenchContext.RssTarget : "", atTen ? rss.Max <= BenchContext.RssTargetMiB : null));
        context.Results.Steps.Add(new StepBreakdown(label, workers));
        if (baselines.Count == 0) return;
        rows.Add(new ResultRow(label, "baseline worker run-once wall", BenchRunner.Wall(baselines), "F2", " s"));
        rows.Add(new ResultRow(label, "ratio baseline worker / floor (wall, per rep)", baselineRatio!, "F2", "x", $"<= {RatioTarget:F1}x", baselineRatio!.Median <= RatioTarget));
        rows.Add(new ResultRow(label, "baseline worker CPU (user+sys)", BenchRunner.Cpu(baselines), "F2", " s"));
        var baselineRss = BenchRunner.Rss(baselines);
        rows.Add(new ResultRow(label, "baseline worker peak RSS", baselineRss, "F0", " MiB", atTen ? BenchContext.RssTarget : "", atTen ? baselineRss.Max <= BenchContext.RssTargetMiB : null));
        BenchRunner.CompareRows(rows, label, workers, baselines);
        context.Results.Steps.Add(new StepBreakdown(label + ", baseline worker", baselines));
    }
}
