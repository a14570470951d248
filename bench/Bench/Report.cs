using System.Globalization;
using System.Text;

namespace SpotifyWorker.Bench;

/// <summary>Writes the results file (bench/results/&lt;yyyy-mm-dd&gt;.md unless --results): targets, results, tables, step medians and the machine.</summary>
internal static class Report
{
    private static readonly string[] StepOrder =
        ["load", "cleanup", "scan", "transform.stage", "transform.validate", "transform.gold", "transform.quarantine", "commit", "catalog", "views"];

    public static async Task<string> WriteAsync(BenchContext context, string loadAtStart, string loadAtEnd, TimeSpan elapsed)
    {
        var (options, results) = (context.Options, context.Results);
        var steps = results.Steps;
        var text = new StringBuilder();
        var today = DateTime.Now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        text.AppendLine(CultureInfo.InvariantCulture, $"# Benchmarks {today}");
        text.AppendLine();
        var arguments = Environment.GetCommandLineArgs().Skip(1).SkipWhile(a => a != "--repo").Skip(2).ToList();
        text.AppendLine("`" + string.Join(' ', ["bench/run.sh", .. arguments]) + "`");
        text.AppendLine(CultureInfo.InvariantCulture, $"at {Git(options, "rev-parse", "--short", "HEAD")}{(Git(options, "status", "--porcelain", "--", "src").Length > 0 ? " (with uncommitted changes in src/)" : "")}, " +
            $"{Environment.ProcessorCount} cores, DuckDB memory_limit {options.MemoryLimit ?? "the workers' defaults"} (floor scripts {options.SmallFloorMemoryLimit}, at scale {Datasets.Format(options.LargeScale)}: {options.FloorMemoryLimit(options.LargeScale)}), threads {options.Threads}, {options.Reps} repetitions " +
            $"({options.LargeReps} at scale {Datasets.Format(options.LargeScale)}, {options.GrowthReps} snapshot series), " +
            $"load average at the start {loadAtStart}, at the end {loadAtEnd}, bench took {elapsed.TotalMinutes:F1} min.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Worker: {context.Worker.Description}. Baseline worker: {context.Baseline?.Description ?? "none (no --baseline)"}.");
        text.AppendLine();
        text.AppendLine("Wall times are whole processes (start-up included), measured side by side with their baseline in the same run (the order");
        text.AppendLine("rotates between repetitions); ratios are taken per repetition, then the median. Peak RSS is GNU time's maximum resident");
        text.AppendLine("set size. Targets (issue 13) are reported, not asserted.");
        if (results.Targets.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| case | measure | target | worker | met | baseline worker | met |");
            text.AppendLine("|---|---|---|---:|---|---:|---|");
            foreach (var target in results.Targets)
            {
                string Met(Series? s) => s is null || !target.Judged ? "" : target.Met(s.Median) ? "yes" : "**no**";
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {target.Case} | {target.Measure} | {target.Target} | {target.Worker.Describe(target.Format, target.Unit)} | {Met(target.Worker)} | " +
                    $"{target.Baseline?.Describe(target.Format, target.Unit) ?? ""} | {Met(target.Baseline)} |");
            }
        }
        text.AppendLine();
        text.AppendLine("| case | metric | median | min – max | target | met |");
        text.AppendLine("|---|---|---:|---:|---|---|");
        foreach (var row in results.Rows)
        {
            var met = row.Met switch { true => "yes", false => "**no**", null => "" };
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Case} | {row.Metric} | {row.Values.Describe(row.Format, row.Unit)} | {row.Values.Spread(row.Format, row.Unit)} | {row.Target} | {met} |");
        }
        foreach (var table in results.Tables)
        {
            text.AppendLine();
            text.AppendLine(table.Title);
            text.AppendLine();
            text.AppendLine("| " + string.Join(" | ", table.Header) + " |");
            text.AppendLine("|" + string.Concat(table.Header.Select((_, i) => i < 2 ? "---|" : "---:|")));
            foreach (var row in table.Rows) text.AppendLine("| " + string.Join(" | ", row) + " |");
        }
        if (steps.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Median seconds per pipeline step (the worker's own timings; `transform` contains the `transform.*` steps):");
            text.AppendLine();
            var names = StepOrder.Where(s => steps.Any(g => g.Runs.Any(r => r.Steps.ContainsKey(s))))
                .Concat(steps.SelectMany(g => g.Runs.SelectMany(r => r.Steps.Keys)).Distinct().Where(s => !StepOrder.Contains(s) && s != "transform").Order(StringComparer.Ordinal))
                .ToList();
            text.AppendLine(CultureInfo.InvariantCulture, $"| run | {string.Join(" | ", names)} |");
            text.AppendLine(CultureInfo.InvariantCulture, $"|---|{string.Concat(names.Select(_ => "---:|"))}");
            foreach (var group in steps)
            {
                var cells = names.Select(n => new Series(group.Runs.Select(r => r.Steps.GetValueOrDefault(n))).Median.ToString("F2", CultureInfo.InvariantCulture));
                text.AppendLine(CultureInfo.InvariantCulture, $"| {group.Case} | {string.Join(" | ", cells)} |");
            }
        }
        var path = options.ResultsSetting ?? Path.Combine(options.Repo, "bench", "results", today + ".md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, text.ToString()).ConfigureAwait(false);
        Console.WriteLine(text);
        return path;
    }

    private static string Git(BenchOptions options, params string[] arguments) => ChildProcess.Run("git", arguments, options.Repo).Stdout.Trim();

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
