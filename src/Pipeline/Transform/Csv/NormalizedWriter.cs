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
        if (reader.IsSimple && TryWriteSimpleRecord(ordinal, line, row, reader, indexes, out var length)) return length;
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

    /// <summary>
    /// A simple record (one line, no carriage returns, every quote a quoted field's own) needs no escaping: its fields are
    /// copied into the buffer in one go, a quoted one between its quotes, without a check and a bounds test per byte or
    /// per field. False when it does not fit the buffer at all.
    /// </summary>
    private bool TryWriteSimpleRecord(byte[] ordinal, long line, long row, CsvRecordReader reader, int[] indexes, out int length)
    {
        // Two numbers of at most 20 digits, the separators, the quotes and the line break around the fields.
        var size = ordinal.Length + 2 * 20 + 3 * indexes.Length + 3;
        foreach (var index in indexes) size += reader.RawField(index).Length;
        var span = _out.GetSpan(size);
        if (span.Length < size)
        {
            length = 0;
            return false;
        }
        ordinal.CopyTo(span);
        var at = ordinal.Length;
        span[at++] = (byte)',';
        Utf8Formatter.TryFormat(line, span[at..], out var written);
        at += written;
        span[at++] = (byte)',';
        Utf8Formatter.TryFormat(row, span[at..], out written);
        at += written;
        foreach (var index in indexes)
        {
            span[at++] = (byte)',';
            var field = reader.RawField(index);
            if (reader.IsQuoted(index))
            {
                // Its inner bytes keep their "" escapes, so they can be copied verbatim.
                span[at++] = (byte)'"';
                field.CopyTo(span[at..]);
                at += field.Length;
                span[at++] = (byte)'"';
            }
            else
            {
                field.CopyTo(span[at..]);
                at += field.Length;
            }
        }
        span[at++] = (byte)'\n';
        _out.Advance(at);
        length = at;
        return true;
    }

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

    /// <summary>Free space of at least <paramref name="size"/> bytes (flushing first if needed), or less when the buffer is smaller than that.</summary>
    public Span<byte> GetSpan(int size)
    {
        if (size > _buffer.Length - _used) Flush();
        return _buffer.AsSpan(_used);
    }

    /// <summary>Counts <paramref name="count"/> bytes written into the span <see cref="GetSpan"/> gave.</summary>
    public void Advance(int count)
    {
        _used += count;
        Written += count;
    }

    public void Flush()
    {
        inner.Write(_buffer, 0, _used);
        _used = 0;
    }
}
