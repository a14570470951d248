using SpotifyWorker.Pipeline.Costs;

namespace SpotifyWorker.Pipeline.Aws.Glue;

/// <summary>
/// The DPU-seconds of a finished job run, as Glue bills them. GetJobRun reports <c>DPUSeconds</c> only for
/// auto-scaling and Flex runs; otherwise the run held its capacity for its whole <c>ExecutionTime</c>: workers
/// times the DPUs of the worker type, or <c>MaxCapacity</c> for the Standard type.
/// </summary>
public static class GlueJobUsage
{
    private static readonly Dictionary<string, double> DpuPerWorker = new(StringComparer.Ordinal)
    {
        ["G.025X"] = 0.25,
        ["G.1X"] = 1,
        ["G.2X"] = 2,
        ["G.4X"] = 4,
        ["G.8X"] = 8,
        ["G.12X"] = 12,
        ["G.16X"] = 16,
        ["R.1X"] = 1,
        ["R.2X"] = 2,
        ["R.4X"] = 4,
        ["R.8X"] = 8,
        ["Z.2X"] = 2,
    };

    /// <summary>The run's usage, or null when it reports neither DPUSeconds nor a capacity to compute them from.</summary>
    public static GlueRunUsage? Of(JobRun run)
    {
        var seconds = run.ExecutionTime ?? 0;
        var dpuSeconds = run.DPUSeconds ?? seconds * Capacity(run);
        return dpuSeconds is null ? null : new GlueRunUsage(run.Id, dpuSeconds.Value, seconds, run.ExecutionClass == "FLEX");
    }

    private static double? Capacity(JobRun run) =>
        run.WorkerType is { } type && DpuPerWorker.TryGetValue(type, out var dpus) && run.NumberOfWorkers is { } workers
            ? workers * dpus
            : run.MaxCapacity;
}
