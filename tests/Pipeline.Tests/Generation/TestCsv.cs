using System.Text;

namespace SpotifyWorker.Pipeline.Tests.Generation;

/// <summary>One CSV record and the physical line (1-based) where it starts.</summary>
internal sealed record CsvRecord(long Line, string[] Fields);

/// <summary>
/// A deliberately small, strict RFC 4180 reader, independent of the generator's writer, so that tests check
/// the bytes rather than the writer against itself. Accepts LF and CRLF; throws on malformed quoting.
/// </summary>
internal static class TestCsv
{
    public static List<CsvRecord> Parse(string text)
    {
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        long line = 1;
        var i = 0;
        while (i < text.Length)
        {
            var start = line;
            fields.Clear();
            while (true)
            {
                field.Clear();
                if (i < text.Length && text[i] == '"')
                {
                    i++;
                    while (true)
                    {
                        if (i >= text.Length) throw new FormatException($"Unterminated quoted field in the record starting on line {start}");
                        var c = text[i++];
                        if (c == '"')
                        {
                            if (i < text.Length && text[i] == '"') { field.Append('"'); i++; }
                            else break;
                        }
                        else
                        {
                            if (c == '\n') line++;
                            field.Append(c);
                        }
                    }
                }
                else
                {
                    while (i < text.Length && text[i] is not (',' or '\n' or '\r' or '"')) field.Append(text[i++]);
                }
                fields.Add(field.ToString());

                if (i >= text.Length) break;
                if (text[i] == ',') { i++; continue; }
                if (text[i] == '\n') i++;
                else if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i += 2;
                else throw new FormatException($"Unexpected '{text[i]}' after a field on line {line}");
                line++;
                break;
            }
            records.Add(new CsvRecord(start, [.. fields]));
        }
        return records;
    }
}
