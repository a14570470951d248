using System.IO.Compression;
using System.Text;
using SpotifyWorker.Pipeline.Transform.Csv;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Transform.Csv;

public sealed class VerifiedGzipStreamTests
{
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 50_000).Select(i => $"row {i},value {i * 7}\n")));

    internal static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(data);
        return output.ToArray();
    }

    private static byte[] Decompress(byte[] compressed)
    {
        using var stream = new VerifiedGzipStream(new MemoryStream(compressed));
        var output = new MemoryStream();
        stream.CopyTo(output);
        return output.ToArray();
    }

    [Fact]
    public void Read_ValidGzip_ReturnsContent() => Assert.Equal(Payload, Decompress(Gzip(Payload)));

    [Fact]
    public void Read_ConcatenatedMembers_ReturnsAllContent()
    {
        var twice = Gzip(Payload).Concat(Gzip(Payload)).ToArray();

        Assert.Equal(Payload.Length * 2, Decompress(twice).Length);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(100)]
    [InlineData(2000)]
    public void Read_TruncatedGzip_Throws(int cut)
    {
        var compressed = Gzip(Payload);

        var error = Assert.Throws<InvalidDataException>(() => Decompress(compressed[..^cut]));
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CorruptCrc_Throws()
    {
        var compressed = Gzip(Payload);
        compressed[^6] ^= 0xFF;

        Assert.Throws<InvalidDataException>(() => Decompress(compressed));
    }

    [Fact]
    public void Read_NotGzip_ThrowsSayingItIsNotGzip()
    {
        var error = Assert.Throws<InvalidDataException>(() => Decompress(Encoding.UTF8.GetBytes("id,name\n1,x\n")));
        Assert.StartsWith("not gzip:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BytesAfterLastMember_ThrowsNamingTrailingGarbage()
    {
        var error = Assert.Throws<InvalidDataException>(() => Decompress([.. Gzip(Payload), .. Encoding.UTF8.GetBytes("junk")]));
        Assert.StartsWith("trailing garbage: the bytes after gzip member 1 ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EmptyInput_IsEmptyFile() => Assert.Empty(Decompress([]));
}
