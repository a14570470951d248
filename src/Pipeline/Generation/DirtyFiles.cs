using System.Text;
using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Generation;

/// <summary>
/// Extra files of a dirty generation, all in the last drop (so an incremental run meets them beside good
/// files): three the pipeline must quarantine whole, and four awkward ones it must read without a reject.
/// Quarantined files hold altered versions of real keys, so that taking them in would change gold; the
/// awkward ones hold exact copies of the latest versions, so that reading them changes nothing.
/// </summary>
internal static class DirtyFiles
{
    private const int CopiedRows = 5;

    /// <summary>Enough rows that half of the compressed file ends inside the deflate stream.</summary>
    private const int TruncatedRows = 300;

    public static IEnumerable<FileJob> Jobs(IReadOnlyDictionary<Entity, IRowSource> sources, int drop, string rawPrefix, RawLayout layout)
    {
        var artists = sources[Entity.Artists];
        var albums = sources[Entity.Albums];
        var tracks = sources[Entity.Tracks];

        yield return Job(rawPrefix, layout, Entity.Artists, drop, 2, gzip: false, null, "UTF-8 byte order mark before the header",
            stream => Rows(new CsvFormat(Bom: true), stream, artists, drop, CopiedRows, altered: false));

        yield return Job(rawPrefix, layout, Entity.Artists, drop, 3, gzip: false, RejectCode.InvalidUtf8, "ISO-8859-1 bytes (é is the single byte 0xE9)",
            stream => new CsvFormat(Encoding: Encoding.Latin1).Write(stream, KaggleLayout.Artists, csv =>
            {
                foreach (var row in artists.Delivered(drop, CopiedRows, altered: true))
                {
                    row[1] = "Café " + row[1];
                    csv.WriteRecord(row);
                }
            }));

        yield return Job(rawPrefix, layout, Entity.Albums, drop, 2, gzip: false, null, "empty file (0 bytes, no header)", _ => 0);

        yield return Job(rawPrefix, layout, Entity.Albums, drop, 3, gzip: true, RejectCode.BadGzip, "gzip stream cut off at half its length",
            stream =>
            {
                var rows = Rows(new CsvFormat(Gzip: true), stream, albums, drop, TruncatedRows, altered: true);
                stream.SetLength(stream.Length / 2);
                return rows;
            });

        yield return Job(rawPrefix, layout, Entity.Tracks, drop, 2, gzip: false, null, "CRLF line endings",
            stream => Rows(new CsvFormat(NewLine: "\r\n"), stream, tracks, drop, CopiedRows, altered: false));

        yield return Job(rawPrefix, layout, Entity.Tracks, drop, 3, gzip: false, null, "header only, no data rows",
            stream => new CsvFormat().Write(stream, KaggleLayout.Tracks, _ => { }));

        yield return Job(rawPrefix, layout, Entity.Tracks, drop, 4, gzip: false, RejectCode.MissingColumns, "required column 'explicit' missing from the header",
            stream => new CsvFormat().Write(stream, KaggleLayout.Tracks.Take(2).ToArray(), csv =>
            {
                foreach (var row in tracks.Delivered(drop, CopiedRows, altered: true)) csv.WriteRecord(row[..2]);
            }));
    }

    private static long Rows(CsvFormat format, Stream stream, IRowSource source, int drop, int count, bool altered) =>
        format.Write(stream, KaggleLayout.Header(source.Entity), csv =>
        {
            foreach (var row in source.Delivered(drop, count, altered)) csv.WriteRecord(row);
        });

    /// <param name="write">Writes the bytes; returns the data rows written.</param>
    private static FileJob Job(string rawPrefix, RawLayout layout, Entity entity, int drop, int part, bool gzip, RejectCode? reason, string description, Func<Stream, long> write)
    {
        var key = FileJob.KeyFor(rawPrefix, entity, drop, part, gzip, layout);
        return new FileJob(key, entity, drop, (stream, _) =>
        {
            var rows = write(stream);
            return new FileContent(rows, [], new InjectedFile(key, entity, reason, rows, description));
        });
    }
}
