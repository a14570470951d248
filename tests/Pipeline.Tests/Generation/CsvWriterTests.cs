using SpotifyWorker.Pipeline.Generation;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Generation;

public class CsvWriterTests
{
    [Fact]
    public void WriteRecord_AwkwardFields_RoundTripThroughStrictReader()
    {
        string[] fields = ["plain", "a,b", "say \"hi\"", "two\nlines", "crlf\r\nline", "", "\"", "ümlaut 🎵"];
        var text = new StringWriter();
        new CsvWriter(text).WriteRecord(fields);

        var record = Assert.Single(TestCsv.Parse(text.ToString()));

        Assert.Equal(fields, record.Fields);
    }

    [Fact]
    public void WriteRecord_PlainFields_AreNotQuoted()
    {
        var text = new StringWriter();
        new CsvWriter(text).WriteRecord(["a", "b c", "['x']", "it's"]);

        Assert.Equal("a,b c,['x'],it's\n", text.ToString());
    }

    [Fact]
    public void Line_EmbeddedNewlines_CountsPhysicalLines()
    {
        var text = new StringWriter();
        var csv = new CsvWriter(text, "\r\n");
        csv.WriteRecord(["header"]);
        csv.WriteRecord(["one\ntwo\nthree"]);
        var lineOfThird = csv.Line;
        csv.WriteRecord(["third"]);

        Assert.Equal(5, lineOfThird);
        Assert.Equal(lineOfThird, TestCsv.Parse(text.ToString())[2].Line);
        Assert.Equal(3, csv.Records);
    }
}
