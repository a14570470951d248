using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SpotifyWorker.Bench;

/// <summary>
/// One timed child process: wall time by stopwatch; CPU time (user + system, all threads) and peak RSS from GNU time.
/// CPU time barely moves when other processes compete for the cores, so it backs up wall times on a busy machine.
/// </summary>
internal sealed record Measurement(double WallSeconds, double CpuSeconds, long PeakRssBytes, string Stdout, string Stderr)
{
    /// <summary>DurationSeconds of the worker's EMF line (the run as the worker times it, without process start-up).</summary>
    public double? RunSeconds
    {
        get
        {
            var line = Stdout.Split('\n').FirstOrDefault(l => l.Contains("\"DurationSeconds\":", StringComparison.Ordinal));
            if (line is null) return null;
            using var json = JsonDocument.Parse(line);
            return json.RootElement.GetProperty("DurationSeconds").GetDouble();
        }
    }

    /// <summary>Step seconds of the worker's PipelineRunCompleted event (compact JSON log on stderr).</summary>
    public IReadOnlyDictionary<string, double> Steps
    {
        get
        {
            var line = Stderr.Split('\n').FirstOrDefault(l => l.Contains("PipelineRunCompleted", StringComparison.Ordinal) && l.StartsWith('{'));
            if (line is null) return new Dictionary<string, double>();
            using var json = JsonDocument.Parse(line);
            return json.RootElement.TryGetProperty("StepSeconds", out var steps)
                ? steps.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble())
                : new Dictionary<string, double>();
        }
    }
}

internal static partial class ChildProcess
{
    private const string GnuTime = "/usr/bin/time";

    public static void EnsureTools()
    {
        if (!File.Exists(GnuTime))
        {
            throw new InvalidOperationException($"{GnuTime} is missing: the bench reads peak RSS from GNU time (apt-get install time)");
        }
    }

    /// <summary>Runs a program under GNU time; throws with its output when it fails.</summary>
    public static Measurement Measure(string program, IEnumerable<string> arguments)
    {
        var timeFile = Path.GetTempFileName();
        try
        {
            var clock = Stopwatch.StartNew();
            var (stdout, stderr) = Run(GnuTime, ["-v", "-o", timeFile, program, .. arguments]);
            var wall = clock.Elapsed.TotalSeconds;
            var report = File.ReadAllText(timeFile);
            var rss = RssPattern().Match(report);
            var cpu = CpuPattern().Matches(report).Sum(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            return new Measurement(wall, cpu, rss.Success ? long.Parse(rss.Groups[1].Value, CultureInfo.InvariantCulture) * 1024 : 0, stdout, stderr);
        }
        finally
        {
            File.Delete(timeFile);
        }
    }

    /// <summary>Runs a program to completion and returns its output; a non-zero exit code throws.</summary>
    public static (string Stdout, string Stderr) Run(string program, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}:\n{Tail(stdout.Result)}\n{Tail(stderr.Result)}");
        }
        return (stdout.Result, stderr.Result);
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : "..." + text[^4000..];

    [GeneratedRegex(@"Maximum resident set size \(kbytes\): ([0-9]+)")]
    private static partial Regex RssPattern();

    [GeneratedRegex(@"(?:User|System) time \(seconds\): ([0-9.]+)")]
    private static partial Regex CpuPattern();
}
