using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>What a <c>reprocess --from N</c> commit forgets, removes and leaves to replay.</summary>
public sealed record ReprocessPlan(IReadOnlyList<FileVersion> Forgotten, IReadOnlyList<string> Removed, IReadOnlyList<IReadOnlyList<FileVersion>> Replay)
{
    /// <summary>
    /// While no compacted base covers batch N, the batches before N keep their own silver and quarantine files:
    /// only batches from N on are forgotten, with their files and all gold. Once a base holds rows of batch N or
    /// later, no file holds batches 1..N-1 alone, so everything is removed and forgotten, and the raw file versions
    /// of batches 1..N-1 are listed to be replayed as the same batches (each in key order) before anything else.
    /// </summary>
    public static ReprocessPlan Of(ManifestState state, long fromBatch)
    {
        if (!state.LiveFiles.Values.Any(f => f.ToBatch >= fromBatch))
        {
            return new ReprocessPlan(
                [.. state.Files.Values.Where(f => f.Batch >= fromBatch).Select(f => f.Version)],
                [.. state.LiveFiles.Values.Where(f => f.Table == Tables.Gold || LakeLayout.BatchOf(f.Key) >= fromBatch).Select(f => f.Key)],
                []);
        }
        var replay = state.Files.Values
            .Where(f => f.Batch < fromBatch)
            .GroupBy(f => f.Batch)
            .OrderBy(g => g.Key)
            .Select(g => (IReadOnlyList<FileVersion>)[.. g.OrderBy(f => f.Key, KeyOrder.Instance).Select(f => f.Version)])
            .ToList();
        return new ReprocessPlan([.. state.Files.Values.Select(f => f.Version)], [.. state.LiveFiles.Keys], replay);
    }
}
