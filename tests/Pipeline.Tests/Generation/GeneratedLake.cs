using System.IO.Compression;
using System.Text;
using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Transform;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Generation;

/// <summary>A generation into its own temp folder, with readers for the files it wrote.</summary>
internal sealed class GeneratedLake : IDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly string _folder;

    private GeneratedLake(string folder, LocalObjectStore store, GenerationReport report)
    {
        _folder = folder;
        Store = store;
        Report = report;
    }

    public LocalObjectStore Store { get; }

    public GenerationReport Report { get; }

    public static async Task<GeneratedLake> CreateAsync(GenerationOptions options)
    {
        var folder = Path.Join(Path.GetTempPath(), "gen-tests-" + Guid.NewGuid().ToString("N"));
        var store = new LocalObjectStore(Path.Join(folder, "lake"));
        var report = await SpotifyDataGenerator.GenerateAsync(store, "raw/", options with { TempDirectory = Path.Join(folder, "stage") }, TestContext.Current.CancellationToken);
        return new GeneratedLake(folder, store, report);
    }

    /// <summary>The main files of each drop, without the injected dirty and awkward files, in key order.</summary>
    public IEnumerable<GeneratedFile> DropFiles(Entity? entity = null) =>
        Report.Files.Where(f => (entity is null || f.Entity == entity) && Report.InjectedFiles.All(i => i.FileKey != f.Key));

    public byte[] Bytes(string key) => File.ReadAllBytes(Store.PathOf(key));

    /// <summary>The file's text: gunzipped when .gz, strict UTF-8, a BOM dropped.</summary>
    public string Text(string key)
    {
        var bytes = Bytes(key);
        if (key.EndsWith(".gz", StringComparison.Ordinal))
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            gzip.CopyTo(plain);
            bytes = plain.ToArray();
        }
        var text = StrictUtf8.GetString(bytes);
        return text.StartsWith('\uFEFF') ? text[1..] : text;
    }

    /// <summary>All records of a file; the header is the first.</summary>
    public List<CsvRecord> Records(string key) => TestCsv.Parse(Text(key));

    /// <summary>The data records of a file, without the header.</summary>
    public List<CsvRecord> Rows(string key) => Records(key).Skip(1).ToList();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
