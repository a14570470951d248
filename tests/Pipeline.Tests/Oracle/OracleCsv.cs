using System.Text;

namespace SpotifyWorker.Pipeline.Tests.Oracle;

/// <summary>One record of a raw file as the design reads it: where it starts, its fields and what is wrong with its quoting.</summary>
/// <param name="Text">The record's bytes as Latin-1 characters (one char per byte), without its line end.</param>
/// <param name="Fields">Each field's bytes as Latin-1 characters, quotes removed; null for an unquoted empty field.</param>
internal sealed record OracleRecord(long Line, string Text, string?[] Fields, bool Quoted0, bool BadQuoting, bool Unterminated)
{
    public bool IsBlank => Fields.Length == 1 && Fields[0] is null && !Quoted0;
}

/// <summary>
/// The record grammar of a raw file (RFC 4180 plus the design's tolerance: LF or CRLF, a quoted field followed by
/// text is a bad_quoting row, a quote never closed runs to the end of the file), written for the oracle from the
/// README's rules rather than from the pipeline's reader. It works on bytes seen as Latin-1 characters, so commas,
/// quotes and line ends are found exactly where they are in the bytes, whatever the encoding of the rest.
/// </summary>
internal static class OracleCsv
{
    public static IEnumerable<OracleRecord> Records(byte[] bytes)
    {
        var start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        var s = Encoding.Latin1.GetString(bytes, start, bytes.Length - start);
        var p = 0;
        long line = 1;
        while (p < s.Length)
        {
            var recordStart = p;
            var fields = new List<string?>();
            bool quoted0 = false, bad = false, unterminated = false;
            int contentEnd, next;
            while (true)
            {
                if (p >= s.Length)
                {
                    fields.Add(null);
                    contentEnd = next = p;
                    break;
                }
                if (s[p] == '"')
                {
                    if (fields.Count == 0) quoted0 = true;
                    var (value, close) = QuotedField(s, p);
                    if (close < 0)
                    {
                        unterminated = true;
                        fields.Add(value);
                        contentEnd = next = s.Length;
                        break;
                    }
                    var after = close + 1;
                    if (after >= s.Length) { fields.Add(value); contentEnd = next = after; break; }
                    if (s[after] == ',') { fields.Add(value); p = after + 1; continue; }
                    if (s[after] == '\n') { fields.Add(value); contentEnd = after; next = after + 1; break; }
                    if (s[after] == '\r' && after + 1 < s.Length && s[after + 1] == '\n') { fields.Add(value); contentEnd = after; next = after + 2; break; }
                    // Text after the closing quote: the field is the raw text up to the next comma or line end.
                    bad = true;
                    if (fields.Count == 0) quoted0 = false;
                    var stop = s.IndexOfAny([',', '\n'], after);
                    if (stop < 0)
                    {
                        fields.Add(s[p..]);
                        contentEnd = next = s.Length;
                        break;
                    }
                    var end = TrimCr(s, p, stop);
                    fields.Add(Empty(s[p..end]));
                    if (s[stop] == ',') { p = stop + 1; continue; }
                    contentEnd = end;
                    next = stop + 1;
                    break;
                }
                var at = s.IndexOfAny([',', '\n'], p);
                if (at < 0)
                {
                    fields.Add(Empty(s[p..]));
                    contentEnd = next = s.Length;
                    break;
                }
                if (s[at] == ',') { fields.Add(Empty(s[p..at])); p = at + 1; continue; }
                var fieldEnd = TrimCr(s, p, at);
                fields.Add(Empty(s[p..fieldEnd]));
                contentEnd = fieldEnd;
                next = at + 1;
                break;
            }
            var text = s[recordStart..contentEnd];
            yield return new OracleRecord(line, text, [.. fields], quoted0, bad, unterminated);
            line += 1 + text.Count(c => c == '\n');
            p = next;
        }
    }

    /// <summary>The UTF-8 text of Latin-1 characters standing for bytes; null when the bytes are not UTF-8.</summary>
    public static string? Utf8(string latin1)
    {
        try
        {
            return StrictUtf8.GetString(Encoding.Latin1.GetBytes(latin1));
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private static (string Value, int Close) QuotedField(string s, int open)
    {
        var value = new StringBuilder();
        var q = open + 1;
        while (true)
        {
            var quote = s.IndexOf('"', q);
            if (quote < 0) return (value.Append(s, q, s.Length - q).ToString(), -1);
            value.Append(s, q, quote - q);
            if (quote + 1 < s.Length && s[quote + 1] == '"')
            {
                value.Append('"');
                q = quote + 2;
                continue;
            }
            return (value.ToString(), quote);
        }
    }

    private static string? Empty(string field) => field.Length == 0 ? null : field;

    private static int TrimCr(string s, int start, int end) => end > start && s[end - 1] == '\r' ? end - 1 : end;
}
