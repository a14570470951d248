using System.Globalization;
using System.Text;

namespace SpotifyWorker.Bench;

/// <summary>Writes bench/results/&lt;yyyy-mm-dd&gt;.md: the results table, step medians and the machine.</summary>
internal static class Report
{
    private static readonly string[] StepOrder =
        ["load", "cleanup", "scan", "transform.stage", "transform.validate", "transform.gold", "transform.quarantine", "commit", "catalog", "views"];

    public static async Task<string> WriteAsync(BenchOptions options, IReadOnlyList<ResultRow> rows, IReadOnlyList<StepBreakdown> steps, string loadAtStart, TimeSpan elapsed)
    {
        var text = new StringBuilder();
        var today = DateTime.Now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        text.AppendLine(CultureInfo.InvariantCulture, $"# Benchmarks {today}");
        text.AppendLine();
        var arguments = Environment.GetCommandLineArgs().Skip(1).SkipWhile(a => a != "--repo").Skip(2).ToList();
        text.AppendLine("`" + string.Join(' ', ["bench/run.sh", .. arguments]) + "`");
        text.AppendLine(CultureInfo.InvariantCulture, $"at {Git(options, "rev-parse", "--short", "HEAD")}{(Git(options, "status", "--porcelain", "--", "src").Length > 0 ? " (with uncommitted changes in src/)" : "")}, " +
            $"{Environment.ProcessorCount} cores, DuckDB memory_limit {options.MemoryLimit}, threads {options.Threads}, {options.Reps} repetitions, " +
            $"load average at the start {loadAtStart}, bench took {elapsed.TotalMinutes:F1} min.");
        text.AppendLine();
        text.AppendLine("Wall times are whole processes (start-up included), measured side by side with their baseline in the same run; ratios are");
        text.AppendLine("taken per repetition, then the median. Peak RSS is GNU time's maximum resident set size. Targets are reported, not asserted.");
        text.AppendLine();
        text.AppendLine("| case | metric | median | min – max | target | met |");
        text.AppendLine("|---|---|---:|---:|---|---|");
        foreach (var row in rows)
        {
            var met = row.Met switch { true => "yes", false => "**no**", null => "" };
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Case} | {row.Metric} | {row.Values.Describe(row.Format, row.Unit)} | {row.Values.Spread(row.Format, row.Unit)} | {row.Target} | {met} |");
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
        var folder = Path.Combine(options.Repo, "bench", "results");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, today + ".md");
        await File.WriteAllTextAsync(path, text.ToString()).ConfigureAwait(false);
        Console.WriteLine(text);
        return path;
    }

    private static string Git(BenchOptions options, params string[] arguments) => ChildProcess.Run("git", arguments, options.Repo).Stdout.Trim();

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
