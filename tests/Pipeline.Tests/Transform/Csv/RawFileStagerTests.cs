using System.Text;
using SpotifyWorker.Pipeline.Transform;
using SpotifyWorker.Pipeline.Transform.Csv;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Transform.Csv;

public sealed class RawFileStagerTests
{
    private static (StagedFile Result, string Normalized) Stage(byte[] raw, Entity entity = Entity.Tracks, bool gzip = false)
    {
        var output = new MemoryStream();
        var result = RawFileStager.Stage(new MemoryStream(raw), gzip, entity, 7, output, TestContext.Current.CancellationToken);
        return (result, Encoding.UTF8.GetString(output.ToArray()));
    }

    private static (StagedFile Result, string Normalized) Stage(string raw, Entity entity = Entity.Tracks) => Stage(Encoding.UTF8.GetBytes(raw), entity);

    [Fact]
    public void Stage_ColumnsInAnyOrderWithExtras_WritesRequiredColumnsInCanonicalOrder()
    {
        var (result, normalized) = Stage("explicit,extra,id,track_popularity\ntrue,x,t1,50\n");

        Assert.Null(result.FileError);
        Assert.Equal("_file_ord,_line,_row,id,track_popularity,explicit\n7,2,1,t1,50,true\n", normalized);
    }

    [Fact]
    public void Stage_WrongFieldCount_RejectsRowWithLineAndKeepsOthers()
    {
        var (result, normalized) = Stage("id,track_popularity,explicit\nt1,1,true\nt2,2\nt3,3,false,extra\nt4,4,false\n");

        Assert.Equal(4, result.RowsRead);
        Assert.Equal(2, result.RowsStaged);
        Assert.Equal([3L, 4L], result.Rejects.Select(r => r.Line));
        Assert.All(result.Rejects, r => Assert.StartsWith("field_count: expected 3 fields", r.Reason, StringComparison.Ordinal));
        Assert.Equal("t2,2", result.Rejects[0].RawLine);
        Assert.Contains("t4", normalized, StringComparison.Ordinal);
    }

    [Fact]
    public void Stage_MissingRequiredColumn_RefusesFileNamingColumn()
    {
        var (result, _) = Stage("id,explicit\nt1,true\n");

        Assert.Equal(RejectCode.MissingColumns, result.FileError?.Code);
        Assert.Contains("track_popularity", result.FileError!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Stage_DuplicateRequiredColumn_RefusesFile()
    {
        var (result, _) = Stage("id,id,track_popularity,explicit\nt1,t2,1,true\n");

        Assert.Equal(RejectCode.DuplicateColumns, result.FileError?.Code);
    }

    [Fact]
    public void Stage_Latin1Bytes_RefusesFileNamingLine()
    {
        var raw = Encoding.UTF8.GetBytes("id,track_popularity,explicit\nt1,1,true\n").Concat(new byte[] { (byte)'t', 0xE9, (byte)',', (byte)'1', (byte)',', (byte)'x', (byte)'\n' }).ToArray();

        var (result, _) = Stage(raw);

        Assert.Equal(RejectCode.InvalidUtf8, result.FileError?.Code);
        Assert.Contains("line 3", result.FileError!.Reason, StringComparison.Ordinal);
        Assert.Contains("0xE9", result.FileError.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Stage_TruncatedGzip_RefusesFile()
    {
        var gz = VerifiedGzipStreamTests.Gzip(Encoding.UTF8.GetBytes("id,track_popularity,explicit\n" + string.Concat(Enumerable.Range(0, 5000).Select(i => $"t{i},{i % 100},true\n"))));

        var (result, _) = Stage(gz[..(gz.Length / 2)], gzip: true);

        Assert.Equal(RejectCode.BadGzip, result.FileError?.Code);
    }

    [Fact]
    public void Stage_EmptyFileOrHeaderOnly_ProcessesZeroRows()
    {
        Assert.Equal((0L, (FileReject?)null), (Stage("").Result.RowsRead, Stage("").Result.FileError));
        Assert.Equal((0L, (FileReject?)null), (Stage("id,track_popularity,explicit\r\n").Result.RowsRead, Stage("id,track_popularity,explicit\r\n").Result.FileError));
        Assert.Null(Stage([], gzip: true).Result.FileError);
    }

    [Fact]
    public void Stage_BlankLines_AreSkippedButCounted()
    {
        var (result, normalized) = Stage("id,track_popularity,explicit\n\nt1,1,true\n\n\nt2,2,false\n");

        Assert.Equal(2, result.RowsRead);
        Assert.Contains("7,3,1,t1", normalized, StringComparison.Ordinal);
        Assert.Contains("7,6,2,t2", normalized, StringComparison.Ordinal);
    }

    [Fact]
    public void Stage_QuotedFieldsAndEmbeddedQuotes_StayValidCsv()
    {
        var (_, normalized) = Stage("id,name,artist_popularity,followers,genre_0,genre_1,genre_2,genre_3,genre_4,genre_5,genre_6\na1,\"Earth, Wind \"\"&\"\" Fire\",1,2,,,,,,,\na2,5'10\",1,2,,,,,,,\n", Entity.Artists);

        Assert.Contains("\"Earth, Wind \"\"&\"\" Fire\"", normalized, StringComparison.Ordinal);
        Assert.Contains("\"5'10\"\"\"", normalized, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRecords_SelectedRows_ReturnsRawTextAndLine()
    {
        var raw = Encoding.UTF8.GetBytes("id,track_popularity,explicit\nt1,1,true\nt2,\"multi\nline\",x\nt3,3,false\n");

        var records = RawFileStager.ReadRecords(new MemoryStream(raw), false, Entity.Tracks, new HashSet<long> { 2, 3 }, TestContext.Current.CancellationToken);

        Assert.Equal((3L, "t2,\"multi\nline\",x"), records[2]);
        Assert.Equal((5L, "t3,3,false"), records[3]);
    }
}
