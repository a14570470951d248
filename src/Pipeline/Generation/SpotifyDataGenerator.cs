using System.Collections.Concurrent;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Generation;

/// <summary>
/// Generates synthetic raw drops in the exact layout of the Kaggle "Spotify Dataset 2023": artists, albums
/// (one row per track) and tracks, split over incremental drops with updates, late-arriving dimensions and
/// duplicate keys, optionally with dirty rows and files. Deterministic: the same options give the same
/// bytes, whatever the parallelism. Memory stays flat in the scale: rows are computed from the seed and
/// streamed through temp files.
/// </summary>
public static class SpotifyDataGenerator
{
    public static async Task<GenerationReport> GenerateAsync(IObjectStore store, string rawPrefix, GenerationOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(rawPrefix);
        ArgumentNullException.ThrowIfNull(options);
        if (rawPrefix.Length > 0 && !rawPrefix.EndsWith('/'))
        {
            throw new ArgumentException($"The raw prefix '{rawPrefix}' must be empty or end with '/'", nameof(rawPrefix));
        }
        options.Validate();

        var universe = new Universe(unchecked((ulong)(long)options.Seed), options.Artists, options.AlbumRows);
        var schedule = new DropSchedule(universe, options.Drops);
        var sources = new Dictionary<Entity, IRowSource>
        {
            [Entity.Albums] = new AlbumRows(universe, schedule),
            [Entity.Tracks] = new TrackRows(universe, schedule),
            [Entity.Artists] = new ArtistRows(universe, schedule),
        };

        // Albums first: drop 1's albums file is by far the largest and bounds the wall time.
        var jobs = new List<FileJob>();
        for (var drop = 1; drop <= options.Drops; drop++)
        {
            jobs.AddRange(sources.Values.Select(source => DropFiles.Job(source, drop, options, rawPrefix)));
        }
        if (options.Dirty) jobs.AddRange(DirtyFiles.Jobs(sources, options.Drops, rawPrefix, options.Layout));

        var written = new ConcurrentBag<(GeneratedFile File, FileContent Content)>();
        var parallel = new ParallelOptions
        {
            CancellationToken = cancellationToken,
            MaxDegreeOfParallelism = options.MaxParallelism > 0 ? options.MaxParallelism : Environment.ProcessorCount,
        };
        var tempDirectory = options.TempDirectory ?? Path.GetTempPath();
        await Parallel.ForEachAsync(jobs, parallel, async (job, ct) =>
            written.Add(await job.RunAsync(store, tempDirectory, ct).ConfigureAwait(false))).ConfigureAwait(false);

        var (goldRows, orphans) = GoldExpectation.Compute(universe, schedule, cancellationToken);
        var results = written.OrderBy(w => w.File.Key, KeyOrder.Instance).ToList();
        var files = results.Select(r => r.File).ToList();
        return new GenerationReport(
            options,
            files,
            [.. Entities.All.Select(entity => new EntityCount(entity, DeliveredKeys(entity, universe, orphans), files.Where(f => f.Entity == entity).Sum(f => f.Rows)))],
            goldRows,
            orphans,
            [.. results.SelectMany(r => r.Content.InjectedRows)],
            [.. results.Select(r => r.Content.InjectedFile).OfType<InjectedFile>()]);
    }

    private static long DeliveredKeys(Entity entity, Universe universe, List<OrphanRow> orphans) => entity switch
    {
        Entity.Artists => universe.Artists,
        Entity.Albums => universe.Tracks,
        _ => universe.Tracks - orphans.Count(o => o.Reason == OrphanReason.TrackNeverArrives),
    };
}
