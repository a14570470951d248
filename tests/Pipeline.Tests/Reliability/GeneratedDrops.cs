using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Reliability;

/// <summary>
/// Generated drops kept outside any lake, to be put into lakes one drop at a time: each put is a write to a
/// temp file and a rename, so a worker scanning the lake meanwhile sees a file whole or not at all.
/// </summary>
internal sealed class GeneratedDrops : IDisposable
{
    private readonly TempDirectory _dir;
    private readonly LocalObjectStore _source;

    private GeneratedDrops(TempDirectory dir, LocalObjectStore source, GenerationReport report)
    {
        _dir = dir;
        _source = source;
        Report = report;
    }

    public GenerationReport Report { get; }

    public static async Task<GeneratedDrops> CreateAsync(GenerationOptions options)
    {
        var dir = new TempDirectory();
        var source = new LocalObjectStore(dir.Combine("source"));
        var report = await SpotifyDataGenerator.GenerateAsync(
            source, "raw/", options with { TempDirectory = dir.Combine("stage"), MaxParallelism = 1 }, TestContext.Current.CancellationToken);
        return new GeneratedDrops(dir, source, report);
    }

    public IEnumerable<GeneratedFile> FilesOf(int drop) => Report.Files.Where(f => f.Drop == drop);

    public async Task PutDropAsync(int drop, string lake)
    {
        var target = new LocalObjectStore(lake);
        foreach (var file in FilesOf(drop))
        {
            await using var content = await _source.OpenReadAsync(file.Key, TestContext.Current.CancellationToken);
            await target.PutAsync(file.Key, content, TestContext.Current.CancellationToken);
        }
    }

    public async Task PutAllAsync(string lake)
    {
        for (var drop = 1; drop <= Report.Options.Drops; drop++) await PutDropAsync(drop, lake);
    }

    public void Dispose() => _dir.Dispose();
}
