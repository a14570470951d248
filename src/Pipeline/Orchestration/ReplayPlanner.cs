using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>The batches a run plans: pending replay groups first, then the other new files.</summary>
/// <param name="Missing">Raw file versions a replay group names that are no longer under the raw prefix.</param>
public sealed record ReplayPlan(IReadOnlyList<IReadOnlyList<NewFile>> Batches, int ReplayBatches, IReadOnlyList<FileVersion> Missing);

/// <summary>
/// A reprocess after compaction (<see cref="CommitEntry.Replay"/>) forgets every raw file and lists the batches
/// before its start. Each of those is planned again as one batch, in batch order and with its own files only (the
/// batch caps do not split it: it held them once), so latest-wins sees the same batches as before; only then are
/// the remaining new files planned by <see cref="BatchPlanner.Plan"/>.
/// </summary>
public static class ReplayPlanner
{
    public static ReplayPlan Plan(ManifestState state, IReadOnlyList<NewFile> found, BatchOptions options)
    {
        var byVersion = found.ToDictionary(f => new FileVersion(f.Object.Key, f.Object.ETag));
        var replayed = new HashSet<FileVersion>();
        var missing = new List<FileVersion>();
        var batches = new List<IReadOnlyList<NewFile>>();
        foreach (var group in state.PendingReplay())
        {
            var files = new List<NewFile>();
            foreach (var version in group)
            {
                if (state.Files.ContainsKey(version)) continue;
                if (byVersion.TryGetValue(version, out var file) && replayed.Add(version)) files.Add(file);
                else missing.Add(version);
            }
            if (files.Count > 0) batches.Add([.. files.OrderBy(f => f.Object.Key, KeyOrder.Instance)]);
        }
        var replayBatches = batches.Count;
        batches.AddRange(BatchPlanner.Plan(found.Where(f => !replayed.Contains(new FileVersion(f.Object.Key, f.Object.ETag))), options));
        return new ReplayPlan(batches, replayBatches, missing);
    }
}
