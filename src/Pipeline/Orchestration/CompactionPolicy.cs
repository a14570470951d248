using System.Globalization;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>An entity's live silver: its compacted bases (<see cref="DataFile.ToBatch"/> set) and the batches' delta files since.</summary>
/// <param name="FirstDeltaRows">Rows of the oldest delta file (0 when there is none).</param>
public sealed record SilverShape(Entity Entity, int BaseFiles, long BaseRows, int DeltaFiles, long DeltaRows, long FirstDeltaRows = 0)
{
    /// <summary>
    /// The rows the ratio rule weighs deltas against. Before the first compaction the oldest delta stands in for the
    /// base: it is the first load, and compacting it alone would rewrite the whole of silver right after writing it, only
    /// to drop the few keys a single batch repeats.
    /// </summary>
    public long EffectiveBaseRows => BaseFiles > 0 ? BaseRows : FirstDeltaRows;

    /// <summary>The delta rows the ratio rule counts: all of them, or all but the stand-in base's.</summary>
    public long EffectiveDeltaRows => BaseFiles > 0 ? DeltaRows : DeltaRows - FirstDeltaRows;
}

/// <summary>Decides from the committed state alone whether silver is due for compaction (pure, so it is tested without a lake).</summary>
public static class CompactionPolicy
{
    public static SilverShape ShapeOf(ManifestState state, Entity entity)
    {
        var files = state.FilesOf(Tables.Silver(entity)).ToList();
        var bases = files.Where(f => f.ToBatch is not null).ToList();
        var deltas = files.Where(f => f.ToBatch is null).ToList();
        var first = deltas.MinBy(f => LakeLayout.BatchOf(f.Key) ?? 0);
        return new SilverShape(entity, bases.Count, bases.Sum(f => f.Rows), deltas.Count, deltas.Sum(f => f.Rows), first?.Rows ?? 0);
    }

    /// <summary>Why silver is due for compaction now, or null when it is not.</summary>
    public static string? Due(ManifestState state, CompactionOptions options)
    {
        if (!options.Enabled) return null;
        foreach (var shape in Entities.All.Select(e => ShapeOf(state, e)))
        {
            var table = Tables.Silver(shape.Entity);
            if (shape.DeltaFiles > options.MaxDeltaFiles)
            {
                return $"{table} has {shape.DeltaFiles} delta files, more than {options.MaxDeltaFiles}";
            }
            var (deltaRows, baseRows) = (shape.EffectiveDeltaRows, shape.EffectiveBaseRows);
            if (deltaRows > 0 && deltaRows >= options.MinRows && deltaRows >= options.MinDeltaRatio * baseRows)
            {
                return shape.BaseFiles > 0
                    ? string.Create(CultureInfo.InvariantCulture, $"{table} has {deltaRows} delta rows, at least {options.MinDeltaRatio} x its {baseRows} base rows")
                    : string.Create(CultureInfo.InvariantCulture, $"{table} has {deltaRows} delta rows after its first, at least {options.MinDeltaRatio} x the first's {baseRows} rows");
            }
        }
        return null;
    }

    /// <summary>
    /// The live silver files of an entity a compaction reads and supersedes: all of them, unless they are one base
    /// alone (rewriting that would only cost). Both engines compact exactly these.
    /// </summary>
    public static IReadOnlyList<DataFile> FilesToRewrite(ManifestState state, Entity entity)
    {
        var files = state.FilesOf(Tables.Silver(entity)).ToList();
        return files.Count > 1 || files.Any(f => f.ToBatch is null) ? files : [];
    }

    /// <summary>Whether a compaction would change anything: some entity has a delta file, or more than one base.</summary>
    public static bool HasWork(ManifestState state) => Entities.All.Any(e => FilesToRewrite(state, e).Count > 0);

    /// <summary>The highest batch a base over these silver files covers: the batch of each delta file, or the bound of each base it absorbs.</summary>
    public static long ToBatchOf(IEnumerable<DataFile> silver) =>
        silver.Select(f => f.ToBatch ?? LakeLayout.BatchOf(f.Key) ?? 0).DefaultIfEmpty(0).Max();
}
