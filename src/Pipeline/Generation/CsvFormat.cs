using System.IO.Compression;
using System.Text;

namespace SpotifyWorker.Pipeline.Generation;

/// <summary>How a CSV file is encoded. The default is what the Kaggle files are: UTF-8 without BOM, LF.</summary>
internal sealed record CsvFormat(bool Gzip = false, bool Bom = false, string NewLine = "\n", Encoding? Encoding = null)
{
    /// <summary>Writes the header, then the data records of <paramref name="body"/>; returns how many data records.</summary>
    public long Write(Stream destination, IReadOnlyList<string> header, Action<CsvWriter> body)
    {
        var encoding = Encoding ?? new UTF8Encoding(encoderShouldEmitUTF8Identifier: Bom);
        using (var compressed = Gzip ? new GZipStream(destination, CompressionLevel.Optimal, leaveOpen: true) : null)
        using (var text = new StreamWriter(compressed ?? destination, encoding, 1 << 16, leaveOpen: true))
        {
            var csv = new CsvWriter(text, NewLine);
            csv.WriteRecord(header);
            body(csv);
            return csv.Records - 1;
        }
    }
}
