using System.Globalization;

namespace SpotifyWorker.Bench;

/// <summary>
/// Case growth: the same full snapshot arrives again and again under new keys (every 4th time with 1% of its values
/// changed), one run-once per arrival, on a lake of the worker's and, run by run beside it, one of the baseline's.
/// A nightly service must not get slower as its lake gets older: run 10 against run 2 (run 1 is the first load).
/// </summary>
internal static class GrowthCase
{
    private const double RatioTarget = 1.15;

    public static void Run(BenchContext context)
    {
        var (options, worker, baseline) = (context.Options, context.Worker, context.Baseline);
        var arrivals = context.Data.Snapshots(options.GrowthScale, options.GrowthArrivals);
        BenchRunner.Warm(arrivals[0]);
        var workers = arrivals.Select(_ => new List<Measurement>()).ToList();
        var baselines = arrivals.Select(_ => new List<Measurement>()).ToList();
        for (var rep = 0; rep < options.GrowthReps; rep++)
        {
            var lake = Path.Combine(context.Runs, $"growth-{rep}");
            var baselineLake = baseline is null ? null : lake + "-baseline";
            for (var n = 0; n < arrivals.Count; n++)
            {
                Datasets.AddDrop(arrivals[n], lake);
                if (baselineLake is not null) Datasets.AddDrop(arrivals[n], baselineLake);
                var index = n;
                BenchRunner.Rotated(rep + n,
                    () => workers[index].Add(worker.MeasureProcessingRun(lake)),
                    baselineLake is null ? null : () => baselines[index].Add(baseline!.MeasureProcessingRun(baselineLake)));
                Console.WriteLine($"bench: growth rep {rep + 1} run {n + 1}: worker {workers[n][^1].WallSeconds:F2} s {workers[n][^1].PeakRssBytes / BenchContext.MiB:F0} MiB" +
                    (baselineLake is null ? "" : $", baseline {baselines[n][^1].WallSeconds:F2} s {baselines[n][^1].PeakRssBytes / BenchContext.MiB:F0} MiB"));
            }
            BenchRunner.DeleteIfExists(lake);
            if (baselineLake is not null) BenchRunner.DeleteIfExists(baselineLake);
        }
        AddRows(context, workers, baseline is null ? null : baselines);
    }

    private static void AddRows(BenchContext context, List<List<Measurement>> workers, List<List<Measurement>>? baselines)
    {
        var options = context.Options;
        var last = options.GrowthArrivals;
        var label = $"growth, scale {Datasets.Format(options.GrowthScale)} snapshot x {last}";
        Series LastOverSecond(List<List<Measurement>> runs, Func<Measurement, double> value) => BenchRunner.Ratio(runs[^1], runs[1], value);
        var ratio = LastOverSecond(workers, m => m.WallSeconds);
        var baselineRatio = baselines is null ? null : LastOverSecond(baselines, m => m.WallSeconds);
        context.Results.Targets.Add(new TargetRow(label, $"run {last} / run 2 (wall)", $"<= {RatioTarget:F2}x", ratio, baselineRatio, r => r <= RatioTarget, "F2", "x"));
        var rows = context.Results.Rows;
        rows.Add(new ResultRow(label, $"worker ratio run {last} / run 2 (wall, per rep)", ratio, "F2", "x", $"<= {RatioTarget:F2}x", ratio.Median <= RatioTarget));
        rows.Add(new ResultRow(label, $"worker ratio run {last} / run 2 (CPU, per rep)", LastOverSecond(workers, m => m.CpuSeconds), "F2", "x"));
        rows.Add(new ResultRow(label, "worker peak RSS, largest of any run", new Series(workers.Select(r => BenchRunner.Rss(r).Max)), "F0", " MiB"));
        if (baselines is not null)
        {
            rows.Add(new ResultRow(label, $"baseline ratio run {last} / run 2 (wall, per rep)", baselineRatio!, "F2", "x", $"<= {RatioTarget:F2}x", baselineRatio!.Median <= RatioTarget));
            rows.Add(new ResultRow(label, $"baseline ratio run {last} / run 2 (CPU, per rep)", LastOverSecond(baselines, m => m.CpuSeconds), "F2", "x"));
            rows.Add(new ResultRow(label, "baseline peak RSS, largest of any run", new Series(baselines.Select(r => BenchRunner.Rss(r).Max)), "F0", " MiB"));
            BenchRunner.CompareRows(rows, label + $", run {last}", workers[^1], baselines[^1]);
        }

        string Cell(Series s, string format) => s.Count == 0 ? "" : s.Median.ToString(format, CultureInfo.InvariantCulture);
        var header = new List<string> { "run", "snapshot", "worker wall s", "worker CPU s", "worker peak RSS MiB" };
        if (baselines is not null) header.AddRange(["baseline wall s", "baseline CPU s", "baseline peak RSS MiB", "worker / baseline wall"]);
        var table = new List<IReadOnlyList<string>>();
        for (var n = 0; n < workers.Count; n++)
        {
            var row = new List<string>
            {
                (n + 1).ToString(CultureInfo.InvariantCulture),
                (n + 1) % 4 == 0 ? "1% of values changed" : n == 0 ? "first load" : "same as the previous",
                Cell(BenchRunner.Wall(workers[n]), "F2"), Cell(BenchRunner.Cpu(workers[n]), "F2"), Cell(BenchRunner.Rss(workers[n]), "F0"),
            };
            if (baselines is not null)
            {
                row.AddRange([Cell(BenchRunner.Wall(baselines[n]), "F2"), Cell(BenchRunner.Cpu(baselines[n]), "F2"), Cell(BenchRunner.Rss(baselines[n]), "F0"),
                    Cell(BenchRunner.Ratio(workers[n], baselines[n], m => m.WallSeconds), "F2")]);
            }
            table.Add(row);
        }
        context.Results.Tables.Add(new ResultTable($"Snapshot growth, per run (median over {options.GrowthReps} series; run 1 is the first load):", header, table));

        foreach (var n in new[] { 1, 2, last }.Distinct())
        {
            context.Results.Steps.Add(new StepBreakdown($"{label}, run {n}", workers[n - 1]));
            if (baselines is not null && n > 1) context.Results.Steps.Add(new StepBreakdown($"{label}, run {n}, baseline worker", baselines[n - 1]));
        }
    }
}
