using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace SpotifyWorker.Pipeline.Transform.Csv;

/// <summary>Writes normalized records; copies field bytes as they are, quoting only where the reader needs it.</summary>
internal sealed class NormalizedWriter(Stream output)
{
    private static readonly SearchValues<byte> NeedsQuoting = SearchValues.Create("\"\r"u8);
    private readonly CountingBuffer _out = new(output);
    private readonly byte[] _number = new byte[20];

    public void WriteHeader(IReadOnlyList<string> columns)
    {
        _out.Write(Encoding.UTF8.GetBytes(string.Join(',', columns) + "\n"));
    }

    public int WriteRecord(byte[] ordinal, long line, long row, CsvRecordReader reader, int[] indexes)
    {
        var start = _out.Written;
        _out.Write(ordinal);
        _out.WriteByte((byte)',');
        WriteNumber(line);
        _out.WriteByte((byte)',');
        WriteNumber(row);
        foreach (var index in indexes)
        {
            _out.WriteByte((byte)',');
            var field = reader.RawField(index);
            if (reader.IsQuoted(index))
            {
                // Inner bytes of a quoted field keep their "" escapes, so they can be copied verbatim.
                _out.WriteByte((byte)'"');
                _out.Write(field);
                _out.WriteByte((byte)'"');
            }
            else if (field.IndexOfAny(NeedsQuoting) >= 0)
            {
                WriteQuoted(field);
            }
            else
            {
                _out.Write(field);
            }
        }
        _out.WriteByte((byte)'\n');
        return (int)Math.Min(int.MaxValue, _out.Written - start);
    }

    public void Flush() => _out.Flush();

    private void WriteNumber(long value)
    {
        Utf8Formatter.TryFormat(value, _number, out var written);
        _out.Write(_number, 0, written);
    }

    private void WriteQuoted(ReadOnlySpan<byte> field)
    {
        _out.WriteByte((byte)'"');
        foreach (var b in field)
        {
            if (b == (byte)'"') _out.WriteByte(b);
            _out.WriteByte(b);
        }
        _out.WriteByte((byte)'"');
    }
}

/// <summary>A write buffer that counts what went through it (BufferedStream.Position needs a seekable stream).</summary>
internal sealed class CountingBuffer(Stream inner)
{
    private readonly byte[] _buffer = new byte[1 << 20];
    private int _used;

    public long Written { get; private set; }

    public void WriteByte(byte value)
    {
        if (_used == _buffer.Length) Flush();
        _buffer[_used++] = value;
        Written++;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _buffer.Length - _used)
        {
            Flush();
            if (bytes.Length > _buffer.Length)
            {
                inner.Write(bytes);
                Written += bytes.Length;
                return;
            }
        }
        bytes.CopyTo(_buffer.AsSpan(_used));
        _used += bytes.Length;
        Written += bytes.Length;
    }

    public void Write(byte[] bytes, int offset, int count) => Write(bytes.AsSpan(offset, count));

    public void Flush()
    {
        inner.Write(_buffer, 0, _used);
        _used = 0;
    }
}
