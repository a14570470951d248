using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Unicode;

namespace SpotifyWorker.Pipeline.Transform.Csv;

/// <summary>
/// Splits an RFC 4180 byte stream into records and fields without decoding it. A quote opens a quoted
/// field only at the start of a field (a quote inside an unquoted field is data, as in <c>5'10"</c>);
/// inside quotes, <c>""</c> is a quote and commas and line breaks are data. Records end at LF or CRLF.
/// It tracks the physical line each record starts on, which is what a person opening the file sees.
/// </summary>
internal sealed class CsvRecordReader
{
    private static readonly SearchValues<byte> FieldEnd = SearchValues.Create(",\n"u8);
    private readonly Stream _stream;
    private byte[] _buffer = new byte[1 << 20];
    private int _position, _length;
    private bool _endOfStream, _started;
    private long _nextLine = 1;
    private int _recordStart, _recordLength;
    private int[] _fieldStart = new int[64], _fieldLength = new int[64];
    // Bytes of the buffer before this index are valid UTF-8; it sits after a line break, which no multi-byte sequence holds.
    private int _utf8ValidUntil;
    private bool _utf8RecordByRecord;
    private bool[] _fieldQuoted = new bool[64];

    private readonly bool _splitSimpleLines;

    /// <param name="stream">The bytes to split.</param>
    /// <param name="splitSimpleLines">Parse a line without carriage returns whose quoted fields close on it by the bit masks
    /// of its commas and quotes (the fast path). Tests turn it off to check that both paths read every input alike.</param>
    public CsvRecordReader(Stream stream, bool splitSimpleLines = true)
    {
        _stream = stream;
        _splitSimpleLines = splitSimpleLines;
    }

    /// <summary>1-based physical line on which the current record starts.</summary>
    public long Line { get; private set; }

    public int FieldCount { get; private set; }

    /// <summary>A quoted field was followed by something other than a comma or a line break.</summary>
    public bool BadQuoting { get; private set; }

    /// <summary>A quoted field was still open at the end of the file.</summary>
    public bool UnterminatedQuote { get; private set; }

    /// <summary>Bytes of the current record without its line terminator.</summary>
    public ReadOnlySpan<byte> Record => _buffer.AsSpan(_recordStart, _recordLength);

    /// <summary>
    /// The current record is one physical line without carriage returns (but its CRLF terminator) in which every quote
    /// opens, closes or escapes a quoted field: each field can be copied as it stands, a quoted one between quotes.
    /// </summary>
    public bool IsSimple { get; private set; }

    /// <summary>A blank line: no bytes at all between two line breaks.</summary>
    public bool IsBlank => FieldCount == 1 && _fieldLength[0] == 0 && !_fieldQuoted[0];

    /// <summary>The field's bytes as they stand in the file, without its surrounding quotes ("" still doubled).</summary>
    public ReadOnlySpan<byte> RawField(int index) => _buffer.AsSpan(_recordStart + _fieldStart[index], _fieldLength[index]);

    public bool IsQuoted(int index) => _fieldQuoted[index];

    /// <summary>The field's value, decoded and unescaped.</summary>
    public string Field(int index)
    {
        var value = Encoding.UTF8.GetString(RawField(index));
        return _fieldQuoted[index] && value.Contains('"', StringComparison.Ordinal) ? value.Replace("\"\"", "\"", StringComparison.Ordinal) : value;
    }

    public string RecordText() => Encoding.UTF8.GetString(Record);

    /// <summary>
    /// The current record is valid UTF-8. Checked a buffer at a time, up to its last line break, rather than record by
    /// record: a record is about 200 bytes, and the check's set-up per call cost more than the check (an eighth of the
    /// staging of the albums). Once a buffer fails, records are checked one by one, so the one at fault is found.
    /// </summary>
    public bool IsValidUtf8()
    {
        var end = _recordStart + _recordLength;
        if (end <= _utf8ValidUntil) return true;
        if (!_utf8RecordByRecord)
        {
            var from = Math.Max(_utf8ValidUntil, _recordStart);
            var lastBreak = _buffer.AsSpan(from, _length - from).LastIndexOf((byte)'\n');
            if (lastBreak >= 0 && from + lastBreak >= end)
            {
                if (Utf8.IsValid(_buffer.AsSpan(from, lastBreak + 1)))
                {
                    _utf8ValidUntil = from + lastBreak + 1;
                    return true;
                }
                _utf8RecordByRecord = true;
            }
        }
        return Utf8.IsValid(Record);
    }

    /// <summary>Moves to the next record; false at the end of the stream.</summary>
    public bool Read()
    {
        if (!_started)
        {
            _started = true;
            Fill();
            if (_length >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF) _position = 3;
        }
        while (true)
        {
            if (_position >= _length && _endOfStream) return false;
            var end = _splitSimpleLines ? TryParseLine() : -1;
            if (end < 0) end = TryParseRecord();
            if (end >= 0)
            {
                Line = _nextLine;
                _nextLine += IsSimple ? 1 : 1 + Record.Count((byte)'\n');
                _position = end;
                return true;
            }
            // The record runs past the buffer: keep its bytes, read more and parse it again from its start.
            Compact();
            Fill();
        }
    }

    /// <summary>
    /// The common case, parsed in one pass: a whole line in the buffer without carriage returns (but a CRLF terminator),
    /// whose quoted fields open and close on it. Its commas and quotes are found as bit masks of 32-byte blocks and
    /// walked in order: fields are short (ids, numbers), so one IndexOf per field costs more, and about a third of the
    /// Kaggle album rows hold a quoted field (a list of artists, a name with a comma). Returns -1 for anything else
    /// (a carriage return, a quoted field that runs past the line, text after a closing quote), which
    /// <see cref="TryParseRecord"/> parses.
    /// </summary>
    // Compiled optimized at once: code with 256-bit vectors is left out of the ReadyToRun image, so this started in
    // unoptimized tier-0 code until tiering replaced it, which at scale 1 (a 90 MB albums file, staged in about 0.3 s)
    // was much of the staging. Only this method: the same attribute on the callers of the per-record loop (Read, the
    // writer, the stager's callback) took away their profile-guided optimization, and the scale-10 albums file then
    // took 1.25 s to stage instead of 0.98 s.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int TryParseLine()
    {
        IsSimple = false;
        var span = _buffer.AsSpan(_position, _length - _position);
        var newline = span.IndexOf((byte)'\n');
        if (newline < 0) return -1;
        var contentEnd = newline > 0 && span[newline - 1] == (byte)'\r' ? newline - 1 : newline;
        var content = span[..contentEnd];
        FieldCount = 0;
        BadQuoting = false;
        UnterminatedQuote = false;
        var line = new LineSplit(content);
        var at = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var first = ref MemoryMarshal.GetReference(content);
            var commas = Vector256.Create((byte)',');
            var quotes = Vector256.Create((byte)'"');
            var returns = Vector256.Create((byte)'\r');
            for (; at + Vector256<byte>.Count <= content.Length; at += Vector256<byte>.Count)
            {
                var block = Vector256.LoadUnsafe(ref first, (nuint)at);
                var mask = (Vector256.Equals(block, commas) | Vector256.Equals(block, quotes) | Vector256.Equals(block, returns)).ExtractMostSignificantBits();
                while (mask != 0)
                {
                    if (!line.Special(this, at + BitOperations.TrailingZeroCount(mask))) return -1;
                    mask &= mask - 1;
                }
            }
        }
        for (; at < content.Length; at++)
        {
            var b = content[at];
            if ((b == (byte)',' || b == (byte)'"' || b == (byte)'\r') && !line.Special(this, at)) return -1;
        }
        if (!line.End(this)) return -1;
        _recordStart = _position;
        _recordLength = contentEnd;
        IsSimple = true;
        return _position + newline + 1;
    }

    /// <summary>The state of <see cref="TryParseLine"/>: where the current field starts and whether it is quoted.</summary>
    private ref struct LineSplit(ReadOnlySpan<byte> content)
    {
        private readonly ReadOnlySpan<byte> _content = content;
        private int _fieldStart;
        // Position of the current field's opening quote, or -1 outside a quoted field.
        private int _open = content.Length > 0 && content[0] == (byte)'"' ? 0 : -1;
        // Position of the second quote of an escaped pair, or of the comma after a closing quote: already decided.
        private int _skip = -1;
        private bool _closedAtEnd;

        /// <summary>Handles a comma, quote or carriage return at <paramref name="at"/>; false when the line is not simple.</summary>
        public bool Special(CsvRecordReader reader, int at)
        {
            var b = _content[at];
            if (b == (byte)'\r') return false;
            if (at == _skip)
            {
                if (b == (byte)',') NextField(at);
                return true;
            }
            if (_open < 0)
            {
                // A quote inside an unquoted field is data (5'10"), but the field would need quoting when written.
                if (b == (byte)'"') return false;
                reader.AddField(_fieldStart, at, false);
                NextField(at);
                return true;
            }
            if (b == (byte)',' || at == _open) return true;
            if (at + 1 < _content.Length && _content[at + 1] == (byte)'"')
            {
                _skip = at + 1;
                return true;
            }
            reader.AddField(_open + 1, at, true);
            _open = -1;
            if (at + 1 == _content.Length)
            {
                _closedAtEnd = true;
                return true;
            }
            // Text after a closing quote is flagged by the general parser.
            if (_content[at + 1] != (byte)',') return false;
            _skip = at + 1;
            return true;
        }

        /// <summary>Adds the last field; false when a quoted field is still open at the end of the line.</summary>
        public readonly bool End(CsvRecordReader reader)
        {
            if (_open >= 0) return false;
            if (!_closedAtEnd) reader.AddField(_fieldStart, _content.Length, false);
            return true;
        }

        private void NextField(int comma)
        {
            _fieldStart = comma + 1;
            _open = _fieldStart < _content.Length && _content[_fieldStart] == (byte)'"' ? _fieldStart : -1;
        }
    }

    /// <summary>Parses the record at the current position; returns the position after it, or -1 when more input is needed.</summary>
    private int TryParseRecord()
    {
        var span = _buffer.AsSpan(0, _length);
        var p = _position;
        FieldCount = 0;
        BadQuoting = false;
        UnterminatedQuote = false;
        while (true)
        {
            if (p >= _length)
            {
                if (!_endOfStream) return -1;
                AddField(p, p, false);
                return EndRecord(p, p);
            }
            if (span[p] == (byte)'"')
            {
                var q = p + 1;
                while (true)
                {
                    var found = span[q..].IndexOf((byte)'"');
                    if (found < 0)
                    {
                        if (!_endOfStream) return -1;
                        UnterminatedQuote = true;
                        AddField(p + 1, _length, true);
                        return EndRecord(_length, _length);
                    }
                    var quote = q + found;
                    if (quote + 1 >= _length && !_endOfStream) return -1;
                    if (quote + 1 < _length && span[quote + 1] == (byte)'"')
                    {
                        q = quote + 2;
                        continue;
                    }
                    AddField(p + 1, quote, true);
                    var next = quote + 1;
                    if (next >= _length) return EndRecord(next, next);
                    if (span[next] == (byte)',')
                    {
                        p = next + 1;
                        break;
                    }
                    if (span[next] == (byte)'\n') return EndRecord(next, next + 1);
                    if (span[next] == (byte)'\r' && next + 1 < _length && span[next + 1] == (byte)'\n') return EndRecord(next, next + 2);
                    if (span[next] == (byte)'\r' && next + 1 >= _length && !_endOfStream) return -1;

                    // Text after a closing quote: keep the whole field as it stands and flag the record.
                    BadQuoting = true;
                    var rest = span[next..].IndexOfAny(FieldEnd);
                    if (rest < 0 && !_endOfStream) return -1;
                    var stop = rest < 0 ? _length : next + rest;
                    FieldCount--;
                    AddField(p, TrimCarriageReturn(span, p, stop), false);
                    if (stop >= _length) return EndRecord(stop, stop);
                    if (span[stop] == (byte)',')
                    {
                        p = stop + 1;
                        break;
                    }
                    return EndRecord(TrimCarriageReturn(span, p, stop), stop + 1);
                }
                continue;
            }

            var found2 = span[p..].IndexOfAny(FieldEnd);
            if (found2 < 0)
            {
                if (!_endOfStream) return -1;
                AddField(p, _length, false);
                return EndRecord(_length, _length);
            }
            var at = p + found2;
            if (span[at] == (byte)',')
            {
                AddField(p, at, false);
                p = at + 1;
                continue;
            }
            var fieldEnd = TrimCarriageReturn(span, p, at);
            AddField(p, fieldEnd, false);
            return EndRecord(fieldEnd, at + 1);
        }
    }

    private static int TrimCarriageReturn(ReadOnlySpan<byte> span, int start, int end) =>
        end > start && span[end - 1] == (byte)'\r' ? end - 1 : end;

    private int EndRecord(int contentEnd, int next)
    {
        _recordStart = _position;
        _recordLength = contentEnd - _position;
        for (var i = 0; i < FieldCount; i++) _fieldStart[i] -= _position;
        return next;
    }

    private void AddField(int start, int end, bool quoted)
    {
        if (FieldCount == _fieldStart.Length)
        {
            Array.Resize(ref _fieldStart, FieldCount * 2);
            Array.Resize(ref _fieldLength, FieldCount * 2);
            Array.Resize(ref _fieldQuoted, FieldCount * 2);
        }
        _fieldStart[FieldCount] = start;
        _fieldLength[FieldCount] = end - start;
        _fieldQuoted[FieldCount] = quoted;
        FieldCount++;
    }

    private void Compact()
    {
        if (_position > 0)
        {
            Buffer.BlockCopy(_buffer, _position, _buffer, 0, _length - _position);
            _length -= _position;
            _utf8ValidUntil = Math.Max(0, _utf8ValidUntil - _position);
            _position = 0;
        }
        else if (_length == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
    }

    private void Fill()
    {
        while (_length < _buffer.Length && !_endOfStream)
        {
            var read = _stream.Read(_buffer, _length, _buffer.Length - _length);
            if (read == 0) _endOfStream = true;
            _length += read;
            if (_length - _position >= (1 << 16)) break;
        }
    }
}
