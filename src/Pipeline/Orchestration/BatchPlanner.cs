using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>A raw object the manifest has not seen in this version.</summary>
public sealed record NewFile(ObjectInfo Object, Entity Entity);

/// <summary>A raw object that is not an input, and why (listed by <c>plan</c> and in the run's warning).</summary>
public sealed record NotInput(ObjectInfo Object, string Reason);

/// <summary>
/// Splits the new raw files, in key order, into batches under the caps. Key order is what makes incremental
/// runs equal a full refresh: a file later in key order wins within a batch, and it also lands in the same or
/// a later batch, where it wins again.
/// </summary>
public static class BatchPlanner
{
    public static IReadOnlyList<IReadOnlyList<NewFile>> Plan(IEnumerable<NewFile> files, BatchOptions options)
    {
        var batches = new List<IReadOnlyList<NewFile>>();
        var current = new List<NewFile>();
        long bytes = 0;
        foreach (var file in files.OrderBy(f => f.Object.Key, KeyOrder.Instance))
        {
            if (current.Count > 0 && (current.Count >= options.MaxFiles || bytes + file.Object.Size > options.MaxBytes))
            {
                batches.Add(current);
                current = [];
                bytes = 0;
            }
            current.Add(file);
            bytes += file.Object.Size;
        }
        if (current.Count > 0) batches.Add(current);
        return batches;
    }

    /// <summary>The transform's view of a batch: files numbered in key order (1-based) for "later file wins".</summary>
    public static IReadOnlyList<BatchFile> Number(IReadOnlyList<NewFile> batch) =>
        [.. batch.Select((f, i) => new BatchFile(f.Object.Key, f.Object.ETag, f.Object.Size, f.Object.LastModified, f.Entity, i + 1))];

    /// <summary>Raw objects under the prefix whose (key, ETag) is not in the manifest, and the objects that are not inputs at all.</summary>
    public static async Task<(IReadOnlyList<NewFile> New, IReadOnlyList<NotInput> Ignored)> ScanAsync(
        IObjectStore raw, string rawPrefix, ManifestState state, CancellationToken cancellationToken)
    {
        var found = new List<NewFile>();
        var ignored = new List<NotInput>();
        await foreach (var info in raw.ListAsync(rawPrefix, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var kind = RawKeys.Classify(rawPrefix, info.Key);
            if (kind.Entity is not { } entity)
            {
                ignored.Add(new NotInput(info, kind.Reason!));
                continue;
            }
            if (!state.Contains(info.Key, info.ETag)) found.Add(new NewFile(info, entity));
        }
        return (found, ignored);
    }
}
