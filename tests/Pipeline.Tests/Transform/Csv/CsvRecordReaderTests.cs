using System.Text;
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

    /// <summary>Returns at most a few bytes per read, like a slow network stream.</summary>
    private sealed class TrickleStream(Stream inner, int chunk) : ReadOnlyStream
    {
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, chunk));
    }
}
