using System.Buffers;

namespace SpotifyWorker.Pipeline.Generation;

/// <summary>
/// Writes RFC 4180 records and keeps count of physical lines, because the report points at injected rows by
/// the line their record starts on, and a quoted field with embedded newlines spans several lines.
/// </summary>
internal sealed class CsvWriter(TextWriter writer, string newLine = "\n")
{
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");

    /// <summary>1-based physical line the next record starts on.</summary>
    public long Line { get; private set; } = 1;

    /// <summary>Records written, the header included.</summary>
    public long Records { get; private set; }

    public void WriteRecord(IReadOnlyList<string> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0) writer.Write(',');
            WriteField(fields[i]);
        }
        writer.Write(newLine);
        Line++;
        Records++;
    }

    private void WriteField(string field)
    {
        var span = field.AsSpan();
        if (span.IndexOfAny(NeedsQuotes) < 0)
        {
            writer.Write(span);
            return;
        }

        writer.Write('"');
        while (true)
        {
            var quote = span.IndexOf('"');
            var chunk = quote < 0 ? span : span[..(quote + 1)];
            writer.Write(chunk);
            Line += chunk.Count('\n');
            if (quote < 0) break;
            writer.Write('"');
            span = span[(quote + 1)..];
        }
        writer.Write('"');
    }
}
