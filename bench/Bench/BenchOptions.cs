using System.Globalization;

namespace SpotifyWorker.Bench;

/// <summary>Command-line options of the runner; the defaults are the documented benchmark.</summary>
internal sealed record BenchOptions
{
    /// <summary>The cases, in the order they run. "drop" loads scale 10 first, so it also reports "full10".</summary>
    public static readonly string[] AllCases = ["full", "full10", "drop", "growth", "noop"];

    public required string Repo { get; init; }

    /// <summary>Repetitions of every timed run (median and min/max are reported).</summary>
    public int Reps { get; init; } = 3;

    /// <summary>Repetitions of the scale-10 cases (full10, drop), the longest ones. Default: <see cref="Reps"/>.</summary>
    public int? LargeRepsSetting { get; init; }

    public int LargeReps => LargeRepsSetting ?? Reps;

    /// <summary>Repetitions of the whole snapshot series (10 runs each). Default: 2, or <see cref="Reps"/> if smaller.</summary>
    public int? GrowthRepsSetting { get; init; }

    public int GrowthReps => GrowthRepsSetting ?? Math.Min(Reps, 2);

    public IReadOnlySet<string> Cases { get; init; } = new HashSet<string>(AllCases, StringComparer.Ordinal);

    /// <summary>Scale of the full-versus-floor case (1 is the Kaggle size).</summary>
    public double FullScale { get; init; } = 1;

    /// <summary>Scale of the large full run and of the 1% drop that follows it (full10, drop).</summary>
    public double LargeScale { get; init; } = 10;

    /// <summary>Scale of the snapshot that arrives again and again (growth).</summary>
    public double GrowthScale { get; init; } = 1;

    /// <summary>How many times the snapshot arrives; every 4th arrival has 1% of its values changed.</summary>
    public int GrowthArrivals { get; init; } = 10;

    /// <summary>Manifest sizes (raw files) at which the no-op run is timed.</summary>
    public IReadOnlyList<int> NoopSizes { get; init; } = [1_000, 3_000, 10_000];

    /// <summary>
    /// The workers' DuckDB memory_limit when given (--memory-limit); by default each worker runs with its own default,
    /// since the targets are for default settings.
    /// </summary>
    public string? MemoryLimit { get; init; }

    /// <summary>DuckDB memory_limit of the floor scripts below scale 10: --memory-limit when given, else "512MB".</summary>
    public string SmallFloorMemoryLimit => MemoryLimit ?? "512MB";

    /// <summary>
    /// DuckDB memory_limit of the floor scripts at scale 10 and above (full10, drop). floor.sql joins the wide raw
    /// CSVs straight into a partitioned COPY, which runs out of memory at 512MB at scale 10 (the worker stages
    /// through silver and fits); the floors get more room there, which only makes them faster. Default "1GB".
    /// </summary>
    public string LargeFloorMemoryLimit { get; init; } = "1GB";

    /// <summary>The memory_limit of a floor script run at the given scale.</summary>
    public string FloorMemoryLimit(double scale) => scale >= 10 ? LargeFloorMemoryLimit : SmallFloorMemoryLimit;

    public int Threads { get; init; } = Environment.ProcessorCount;

    public bool SkipPublish { get; init; }

    /// <summary>A folder with another published worker, timed beside this tree's in every case (A/B).</summary>
    public string? Baseline { get; init; }

    /// <summary>A folder with a published worker to time instead of publishing this tree's (e.g. a release).</summary>
    public string? WorkerFolder { get; init; }

    /// <summary>Where generated data is cached; it can be shared between checkouts (keyed by the generator's sources).</summary>
    public string? DataSetting { get; init; }

    /// <summary>The results file. Default: bench/results/&lt;date&gt;.md.</summary>
    public string? ResultsSetting { get; init; }

    public string Work => Path.Combine(Repo, "bench", "work");

    public string Data => DataSetting ?? Path.Combine(Work, "data");

    public static BenchOptions Parse(string[] args)
    {
        string? repo = null;
        var options = new BenchOptions { Repo = "" };
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
            double NextDouble() => double.Parse(Next(), CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--repo" => options with { Repo = repo = Path.GetFullPath(Next()) },
                "--reps" => options with { Reps = NextInt() },
                "--large-reps" => options with { LargeRepsSetting = NextInt() },
                "--growth-reps" => options with { GrowthRepsSetting = NextInt() },
                "--cases" => options with { Cases = ParseCases(Next()) },
                "--full-scale" => options with { FullScale = NextDouble() },
                "--large-scale" or "--incremental-scale" => options with { LargeScale = NextDouble() },
                "--growth-scale" => options with { GrowthScale = NextDouble() },
                "--growth-arrivals" => options with { GrowthArrivals = NextInt() },
                "--noop-sizes" => options with { NoopSizes = [.. Next().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] },
                "--memory-limit" => options with { MemoryLimit = Next() },
                "--large-floor-memory-limit" => options with { LargeFloorMemoryLimit = Next() },
                "--threads" => options with { Threads = NextInt() },
                "--skip-publish" => options with { SkipPublish = true },
                "--baseline" => options with { Baseline = Path.GetFullPath(Path.Combine(Next(), "SpotifyWorker")) },
                "--worker" => options with { WorkerFolder = Path.GetFullPath(Path.Combine(Next(), "SpotifyWorker")) },
                "--data" => options with { DataSetting = Path.GetFullPath(Next()) },
                "--results" => options with { ResultsSetting = Path.GetFullPath(Next()) },
                // A quick look (a few minutes): scale 1 for the large cases, a smaller snapshot, fewer no-op files,
                // 2 repetitions and one snapshot series. Targets tied to scale 10 are then not judged.
                "--quick" => options with
                {
                    Reps = 2, LargeRepsSetting = 1, GrowthRepsSetting = 1, LargeScale = 1, GrowthScale = 0.25, NoopSizes = [300, 1_000],
                },
                _ => throw new ArgumentException($"Unknown option {args[i]} (see bench/run.sh)"),
            };
        }
        if (repo is null) throw new ArgumentException("--repo <root of the repository> is required (bench/run.sh passes it)");
        if (options.Reps < 1 || options.LargeReps < 1 || options.GrowthReps < 1) throw new ArgumentException("--reps, --large-reps and --growth-reps must be at least 1");
        if (options.GrowthArrivals < 2) throw new ArgumentException("--growth-arrivals must be at least 2 (the ratio is last run / run 2)");
        return options;
    }

    /// <summary>Case names; "incremental" (the 1% drop of earlier benches) is read as "drop".</summary>
    private static HashSet<string> ParseCases(string value)
    {
        var cases = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => c == "incremental" ? "drop" : c)
            .ToHashSet(StringComparer.Ordinal);
        var unknown = cases.Where(c => !AllCases.Contains(c)).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"Unknown case(s) {string.Join(", ", unknown)}; known: {string.Join(", ", AllCases)}");
        return cases;
    }
}
