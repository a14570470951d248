using System.ComponentModel.DataAnnotations;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>
/// When silver is compacted (section <c>Pipeline:Compaction</c>). Silver is LSM-like: each batch adds delta files,
/// and a compaction commit rewrites every entity's live silver into one base of current versions. Every batch's
/// window functions read base plus deltas, so the ratio bounds that read at (1 + ratio) x the base, whatever the
/// lake's age; a compaction costs one read and write of the live silver, paid once the deltas reach that share.
/// </summary>
public sealed class CompactionOptions
{
    public const string Section = "Pipeline:Compaction";

    /// <summary>Whether runs compact when the policy says so. The <c>compact</c> verb compacts regardless. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Compact when an entity's delta rows (silver written by batches since its base) reach this multiple of its
    /// base rows. Lower compacts more often and keeps batches' reads closer to the current state. Default 1.0.
    /// </summary>
    [Range(0.01, 1000.0)]
    public double MinDeltaRatio { get; set; } = 1.0;

    /// <summary>Compact when an entity has more delta files than this, whatever their rows: each file costs an open on every batch. Default 32.</summary>
    [Range(1, 100_000)]
    public int MaxDeltaFiles { get; set; } = 32;

    /// <summary>
    /// The ratio rule applies only once an entity's delta rows reach this: below it, reading every version costs a
    /// batch less than rewriting silver would, so small lakes do not compact after every batch. Default 100,000.
    /// </summary>
    [Range(0L, long.MaxValue)]
    public long MinRows { get; set; } = 100_000;
}
