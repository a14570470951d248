using System.Text;
using FsCheck;
using FsCheck.Fluent;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Transform.Csv;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Transform.Csv;

public sealed class CsvRecordReaderTests
{
    private static List<(long Line, string[] Fields, bool BadQuoting, bool Unterminated)> ReadAll(string text, int? chunk = null)
    {
        Stream stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        if (chunk is not null) stream = new TrickleStream(stream, chunk.Value);
        var reader = new CsvRecordReader(stream);
        var records = new List<(long, string[], bool, bool)>();
        while (reader.Read())
        {
            records.Add((reader.Line, Enumerable.Range(0, reader.FieldCount).Select(reader.Field).ToArray(), reader.BadQuoting, reader.UnterminatedQuote));
        }
        return records;
    }

    [Fact]
    public void Read_QuotedFieldsWithCommasQuotesAndNewlines_UnescapesAndCountsLines()
    {
        var records = ReadAll("id,name\n1,\"a, \"\"b\"\"\nc\"\n2,plain\n");

        Assert.Equal(3, records.Count);
        Assert.Equal(["1", "a, \"b\"\nc"], records[1].Fields);
        Assert.Equal(2, records[1].Line);
        Assert.Equal(4, records[2].Line);
    }

    [Fact]
    public void Read_CrLfAndBom_StripsBoth()
    {
        var records = ReadAll("\uFEFFid,name\r\n1,x\r\n2,\"y\"\r\n");

        Assert.Equal(["id", "name"], records[0].Fields);
        Assert.Equal(["1", "x"], records[1].Fields);
        Assert.Equal(["2", "y"], records[2].Fields);
    }

    [Fact]
    public void Read_QuoteInsideUnquotedField_IsData()
    {
        var records = ReadAll("a,5'10\",b\n");

        Assert.Equal(["a", "5'10\"", "b"], records[0].Fields);
        Assert.False(records[0].BadQuoting);
    }

    [Fact]
    public void Read_TextAfterClosingQuote_FlagsBadQuoting()
    {
        var records = ReadAll("\"abc\"def,x\nnext,y\n");

        Assert.True(records[0].BadQuoting);
        Assert.Equal(["next", "y"], records[1].Fields);
    }

    [Fact]
    public void Read_UnterminatedQuote_FlagsRecordAtEnd()
    {
        var records = ReadAll("a,b\n1,\"open\n2,x\n");

        Assert.True(records[^1].Unterminated);
        Assert.Equal(2, records[^1].Line);
    }

    [Fact]
    public void Read_NoTrailingNewlineAndEmptyFields_KeepsAllFields()
    {
        var records = ReadAll("a,,c\n,,");

        Assert.Equal(["a", "", "c"], records[0].Fields);
        Assert.Equal(["", "", ""], records[1].Fields);
    }

    [Fact]
    public void Read_RecordsSplitAcrossTinyReads_GivesSameResult()
    {
        var text = "id,name\n1,\"multi\nline \"\"quoted\"\"\"\r\n2,\"x\"\n3,z";

        Assert.Equal(
            ReadAll(text).Select(r => (r.Line, string.Join('|', r.Fields))),
            ReadAll(text, chunk: 1).Select(r => (r.Line, string.Join('|', r.Fields))));
    }

    [Fact]
    public void Read_FieldLargerThanBuffer_ReadsWhole()
    {
        var big = new string('x', 3 << 20);
        var records = ReadAll($"id,name\n1,\"{big}\"\n2,y\n");

        Assert.Equal(big.Length, records[1].Fields[1].Length);
        Assert.Equal(3, records[2].Line);
    }

    [Fact]
    public void Read_PlainLinesAndAnyOtherText_SplitAndNormalizeAsTheGeneralParser()
    {
        // Lines without quotes or carriage returns take the fast path; the alphabets make such lines common and mix
        // them with quoted fields, CRLF, lone CRs, blank lines and multi-byte UTF-8.
        var plain = Gen.Elements("a", "b", "1", " ", ",", ",", "\n", "é");
        var any = Gen.Elements("a", "1", ",", "\"", "\"\"", "\n", "\r\n", "\r", " ", "é");
        var texts =
            from alphabet in Gen.Elements(plain, any)
            from parts in alphabet.ArrayOf()
            from chunk in Gen.Choose(1, 40)
            select (Text: string.Concat(parts), Chunk: chunk);
        AssertOneLinePathAsGeneralParser(texts);
    }

    [Fact]
    public void Read_PlainLinesAcrossBufferRefills_SplitAsTheGeneralParser()
    {
        var text = new StringBuilder("id,name,n\r\n");
        for (var i = 0; i < 40_000; i++) text.Append(i % 7 == 0 ? $"{i},\"quoted, {i}\",{i}\n" : $"{i},name {i} é,{i % 13}\r\n");
        var bytes = Encoding.UTF8.GetBytes(text.ToString());

        var fast = Parse(new TrickleStream(new MemoryStream(bytes), 4093), splitSimpleLines: true);
        var general = Parse(new MemoryStream(bytes), splitSimpleLines: false);

        Assert.Equal(40_001, fast.Records.Count);
        Assert.Equal(general.Records, fast.Records);
        Assert.Equal(general.Normalized, fast.Normalized);
    }

    [Fact]
    public void Read_QuotedFieldsOnOneLine_SplitAndNormalizeAsTheGeneralParser()
    {
        // Lines made of whole fields, so that most take the one-line path with quoted fields (commas, escaped quotes and
        // line breaks inside, empty ones), mixed with what sends a line to the general parser: text after a closing
        // quote, a quote inside an unquoted field, a quoted field left open, a carriage return.
        var field = Gen.Elements("a", "", "12", "é", "\"a,b\"", "\"\"", "\"x\"\"y\"", "\"\"\"\"", "\"['p', 'q']\"", "\"two\nlines\"",
            "\"a\"b", "5'10\"", "\"open", "c\rd");
        var lines =
            from fields in Gen.NonEmptyListOf(field)
            from end in Gen.Elements("\n", "\r\n")
            select string.Join(',', fields) + end;
        var texts =
            from parts in Gen.NonEmptyListOf(lines)
            from chunk in Gen.Choose(1, 64)
            select (Text: string.Concat(parts), Chunk: chunk);
        AssertOneLinePathAsGeneralParser(texts);
    }

    /// <summary>Each text, read in chunks of its size with the one-line path on, gives the records and normalized output of the general parser.</summary>
    private static void AssertOneLinePathAsGeneralParser(Gen<(string Text, int Chunk)> texts) =>
        Prop.ForAll(texts.ToArbitrary(), c =>
        {
            var bytes = Encoding.UTF8.GetBytes(c.Text);
            var fast = Parse(new TrickleStream(new MemoryStream(bytes), c.Chunk), splitSimpleLines: true);
            var general = Parse(new MemoryStream(bytes), splitSimpleLines: false);
            Assert.Equal(general.Records, fast.Records);
            Assert.Equal(general.Normalized, fast.Normalized);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500).WithQuietOnSuccess(true));

    [Fact]
    public void IsValidUtf8_AnyBytes_SameAsCheckingEachRecord()
    {
        // Valid and invalid sequences (a lone Latin-1 byte, a truncated two-byte sequence, a stray continuation byte)
        // around line breaks, including inside quoted fields that span lines.
        var piece = Gen.Elements<byte[]>([(byte)'a'], [(byte)','], [(byte)'\n'], [(byte)'"'], [0xC3, 0xA9], [0xE9], [0xC3], [0x80], [(byte)'\r', (byte)'\n']);
        var inputs =
            from pieces in Gen.ListOf(piece)
            from chunk in Gen.Choose(1, 40)
            select (Bytes: pieces.SelectMany(p => p).ToArray(), Chunk: chunk);
        Prop.ForAll(inputs.ToArbitrary(), c =>
        {
            var reader = new CsvRecordReader(new TrickleStream(new MemoryStream(c.Bytes), c.Chunk));
            while (reader.Read()) Assert.Equal(System.Text.Unicode.Utf8.IsValid(reader.Record), reader.IsValidUtf8());
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500).WithQuietOnSuccess(true));
    }

    [Fact]
    public void IsValidUtf8_InvalidByteAfterBufferRefills_OnlyThatRecordIsInvalid()
    {
        // About 3 MB: the reader's buffer (1 MB) is refilled and compacted several times before the bad record.
        var text = new StringBuilder("id,name\n");
        for (var i = 0; i < 100_000; i++) text.Append(i % 5 == 0 ? $"{i},\"név, {i}\"\n" : $"{i},name {i}\n");
        var bytes = Encoding.UTF8.GetBytes(text.ToString()).Concat("99,x"u8.ToArray()).Append((byte)0xE9).Concat("\n1,y\n"u8.ToArray()).ToArray();

        var reader = new CsvRecordReader(new TrickleStream(new MemoryStream(bytes), 70_000));
        var invalid = new List<long>();
        while (reader.Read())
        {
            if (!reader.IsValidUtf8()) invalid.Add(reader.Line);
        }

        Assert.Equal([100_002L], invalid);
    }

    /// <summary>Every record as text (line, flags, fields with their quoting, record bytes) and the normalized output of all its fields.</summary>
    private static (List<string> Records, byte[] Normalized) Parse(Stream stream, bool splitSimpleLines)
    {
        var reader = new CsvRecordReader(stream, splitSimpleLines);
        var output = new MemoryStream();
        var writer = new NormalizedWriter(output);
        var records = new List<string>();
        var row = 0L;
        while (reader.Read())
        {
            var fields = Enumerable.Range(0, reader.FieldCount).Select(i => (reader.IsQuoted(i) ? "q:" : "u:") + Encoding.UTF8.GetString(reader.RawField(i)));
            records.Add($"{reader.Line}|{reader.BadQuoting}|{reader.UnterminatedQuote}|{reader.IsBlank}|{reader.RecordText()}|{string.Join('\u0001', fields)}");
            writer.WriteRecord("7"u8.ToArray(), reader.Line, ++row, reader, [.. Enumerable.Range(0, reader.FieldCount)]);
        }
        writer.Flush();
        return (records, output.ToArray());
    }

    /// <summary>Returns at most a few bytes per read, like a slow network stream.</summary>
    private sealed class TrickleStream(Stream inner, int chunk) : ReadOnlyStream
    {
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, chunk));
    }
}
