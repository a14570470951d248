using System.Globalization;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Generation;

/// <summary>What writing one file produced besides its bytes.</summary>
internal sealed record FileContent(long Rows, IReadOnlyList<InjectedRow> InjectedRows, InjectedFile? InjectedFile = null);

/// <summary>One file to generate: its key and how to write its bytes.</summary>
internal sealed record FileJob(string Key, Entity Entity, int Drop, Func<Stream, CancellationToken, FileContent> Write)
{
    /// <summary>
    /// <see cref="RawLayout.EntityFolders"/>: <c>&lt;prefix&gt;&lt;entity&gt;/drop-NNNN/&lt;entity&gt;-NNNN.csv[.gz]</c>;
    /// <see cref="RawLayout.Kaggle"/>: <c>&lt;prefix&gt;&lt;Kaggle name&gt;[_dropNNNN[_partNNNN]].csv[.gz]</c>. Both zero-padded,
    /// so that, within an entity, key order is drop order and then part order ("the later file by key wins").
    /// </summary>
    public static string KeyFor(string rawPrefix, Entity entity, int drop, int part, bool gzip, RawLayout layout)
    {
        var extension = gzip ? ".csv.gz" : ".csv";
        if (layout == RawLayout.EntityFolders)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{rawPrefix}{entity.Name()}/drop-{drop:D4}/{entity.Name()}-{part:D4}{extension}");
        }
        // "name.csv" sorts before "name_drop...": '.' is below '_'.
        var suffix = drop == 1 && part == 1 ? "" : string.Create(CultureInfo.InvariantCulture, $"_drop{drop:D4}") + (part > 1 ? string.Create(CultureInfo.InvariantCulture, $"_part{part:D4}") : "");
        return rawPrefix + KaggleLayout.FileStem(entity) + suffix + extension;
    }

    /// <summary>
    /// Writes the file to a temp file and puts that: memory stays flat whatever the file's size, and the
    /// store gets a seekable stream of known length, which a single S3 PUT needs.
    /// </summary>
    public async Task<(GeneratedFile File, FileContent Content)> RunAsync(IObjectStore store, string tempDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(tempDirectory);
        var path = Path.Join(tempDirectory, "spotify-generate-" + Guid.NewGuid().ToString("N") + ".tmp");
        await using var temp = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        var content = Write(temp, cancellationToken);
        temp.Position = 0;
        var stored = await store.PutAsync(Key, temp, cancellationToken).ConfigureAwait(false);
        return (new GeneratedFile(Key, Entity, Drop, content.Rows, stored.Size), content);
    }
}
