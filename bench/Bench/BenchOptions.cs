using System.Globalization;

namespace SpotifyWorker.Bench;

/// <summary>Command-line options of the runner; the defaults are the documented benchmark.</summary>
internal sealed record BenchOptions
{
    public required string Repo { get; init; }

    /// <summary>Repetitions of every timed run (median and min/max are reported).</summary>
    public int Reps { get; init; } = 3;

    public IReadOnlySet<string> Cases { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "full", "incremental", "noop" };

    /// <summary>Scale of the full-versus-floor case (1 is the Kaggle size).</summary>
    public double FullScale { get; init; } = 1;

    /// <summary>Scale of the incremental case.</summary>
    public double IncrementalScale { get; init; } = 10;

    /// <summary>Manifest sizes (raw files) at which the no-op run is timed.</summary>
    public IReadOnlyList<int> NoopSizes { get; init; } = [1_000, 3_000, 10_000];

    public string MemoryLimit { get; init; } = "512MB";

    public int Threads { get; init; } = Environment.ProcessorCount;

    public bool SkipPublish { get; init; }

    /// <summary>A folder with another published worker, timed beside this tree's in the full and no-op cases (A/B).</summary>
    public string? Baseline { get; init; }

    public string Work => Path.Combine(Repo, "bench", "work");

    public static BenchOptions Parse(string[] args)
    {
        string? repo = null;
        var options = new BenchOptions { Repo = "" };
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--repo" => options with { Repo = repo = Path.GetFullPath(Next()) },
                "--reps" => options with { Reps = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--cases" => options with { Cases = Next().Split(',').ToHashSet(StringComparer.Ordinal) },
                "--full-scale" => options with { FullScale = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--incremental-scale" => options with { IncrementalScale = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--noop-sizes" => options with { NoopSizes = [.. Next().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] },
                "--memory-limit" => options with { MemoryLimit = Next() },
                "--threads" => options with { Threads = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--skip-publish" => options with { SkipPublish = true },
                "--baseline" => options with { Baseline = Path.GetFullPath(Path.Combine(Next(), "SpotifyWorker")) },
                // A quick look (about 3 minutes): scale 1 for the incremental case, fewer no-op files, 2 repetitions.
                "--quick" => options with { Reps = 2, IncrementalScale = 1, NoopSizes = [300, 1_000] },
                _ => throw new ArgumentException($"Unknown option {args[i]} (see bench/run.sh)"),
            };
        }
        if (repo is null) throw new ArgumentException("--repo <root of the repository> is required (bench/run.sh passes it)");
        if (options.Reps < 1) throw new ArgumentException("--reps must be at least 1");
        return options;
    }
}
