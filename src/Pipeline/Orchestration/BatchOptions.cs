using System.ComponentModel.DataAnnotations;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>
/// Caps on one batch (section <c>Pipeline:Batch</c>). New files beyond a cap wait for the next batch of the
/// same run, so one huge backlog does not become one huge transaction.
/// </summary>
public sealed class BatchOptions
{
    public const string Section = "Pipeline:Batch";

    /// <summary>Most raw files in one batch. Default 500.</summary>
    [Range(1, 100_000)]
    public int MaxFiles { get; set; } = 500;

    /// <summary>Most raw bytes in one batch (a single larger file still forms a batch of its own). Default 4 GiB.</summary>
    [Range(1L, long.MaxValue)]
    public long MaxBytes { get; set; } = 4L << 30;
}
