using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.Generation;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Reliability;

/// <summary>
/// Puts a generation's drops into lakes one drop at a time: each put is a write to a temp file and a rename,
/// so a worker scanning the lake meanwhile sees a file whole or not at all.
/// </summary>
internal static class GeneratedDrops
{
    public static IEnumerable<Pipeline.Generation.GeneratedFile> FilesOf(this GeneratedLake source, int drop) =>
        source.Report.Files.Where(f => f.Drop == drop);

    public static Task PutDropAsync(this GeneratedLake source, int drop, string lake) => source.PutDropAsync(drop, new LocalObjectStore(lake));

    /// <summary>One drop's files into any store (an S3 raw bucket, say), under the same keys.</summary>
    public static async Task PutDropAsync(this GeneratedLake source, int drop, IObjectStore target)
    {
        foreach (var file in source.FilesOf(drop))
        {
            await using var content = await source.Store.OpenReadAsync(file.Key, TestContext.Current.CancellationToken);
            await target.PutAsync(file.Key, content, TestContext.Current.CancellationToken);
        }
    }

    public static Task PutAllAsync(this GeneratedLake source, string lake) => source.PutAllAsync(new LocalObjectStore(lake));

    public static async Task PutAllAsync(this GeneratedLake source, IObjectStore target)
    {
        for (var drop = 1; drop <= source.Report.Options.Drops; drop++) await source.PutDropAsync(drop, target);
    }
}
