using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.DuckDb;

/// <summary>
/// A DuckDB session with a spill folder of its own (<c>duckdb-&lt;purpose&gt;-&lt;guid&gt;</c> under
/// <see cref="DuckDbOptions.TempDirectory"/> or the lake's <c>_pipeline/tmp</c>), removed on dispose, so that
/// concurrent catalog refreshes and queries never share spill files.
/// </summary>
public sealed class DuckDbScratch : IDisposable
{
    private DuckDbScratch(DuckDbSession session, string directory)
    {
        Session = session;
        Directory = directory;
    }

    public DuckDbSession Session { get; }

    public string Directory { get; }

    public static DuckDbScratch Open(DuckDbOptions options, LocalObjectStore lake, string purpose)
    {
        var root = options.TempDirectory ?? lake.PathOf(LocalObjectStore.TempPrefix.TrimEnd('/'));
        var directory = Path.Combine(root, $"duckdb-{purpose}-{Guid.NewGuid():N}");
        return new DuckDbScratch(DuckDbSession.Open(options, directory), directory);
    }

    public void Dispose()
    {
        Session.Dispose();
        try
        {
            if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Spill files still held open; the next run's garbage collection of old temp folders removes them.
        }
    }
}
