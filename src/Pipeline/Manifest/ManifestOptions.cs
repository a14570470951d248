using System.ComponentModel.DataAnnotations;

namespace SpotifyWorker.Pipeline.Manifest;

/// <summary>Commit log settings (section <c>Pipeline:Manifest</c>).</summary>
public sealed class ManifestOptions
{
    public const string Section = "Pipeline:Manifest";

    /// <summary>A checkpoint (compacted state) is written every this many commits. Default 20.</summary>
    [Range(1, 100_000)]
    public int CheckpointInterval { get; set; } = 20;

    /// <summary>
    /// Files under silver/, gold/ and quarantine/ that no committed entry names are deleted once they are
    /// older than this; younger ones may belong to a batch still being written by another worker. Default 1 hour.
    /// </summary>
    public TimeSpan GarbageGracePeriod { get; set; } = TimeSpan.FromHours(1);
}
