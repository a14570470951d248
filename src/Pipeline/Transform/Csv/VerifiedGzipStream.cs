using System.Runtime.InteropServices;
using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.Transform.Csv;

/// <summary>
/// Decompresses gzip (one or more members) and fails on truncated or corrupt input.
/// System.IO.Compression.GZipStream returns a short read instead of an error when a .gz file is cut off,
/// which would silently drop the tail of a drop; zlib's own gzip decoder checks every member's CRC-32 and
/// length and tells whether the stream really ended, so this stream uses it directly.
/// </summary>
public sealed class VerifiedGzipStream : ReadOnlyStream
{
    private const int ZOk = 0, ZStreamEnd = 1, ZBufError = -5, ZNoFlush = 0;
    private const int GzipWindowBits = 15 + 16;
    private readonly Stream _inner;
    private readonly byte[] _input = new byte[1 << 16];
    private readonly GCHandle _inputHandle;
    private IntPtr _zstream;
    private int _inputStart, _inputEnd;
    private bool _memberEnded, _innerEnded, _finished, _sawData, _atMemberStart = true;
    private int _members;

    public VerifiedGzipStream(Stream inner)
    {
        _inner = inner;
        _inputHandle = GCHandle.Alloc(_input, GCHandleType.Pinned);
        _zstream = Marshal.AllocHGlobal(Marshal.SizeOf<ZStream>());
        Marshal.StructureToPtr(default(ZStream), _zstream, false);
        Check(Zlib.inflateInit2_(_zstream, GzipWindowBits, Zlib.Version, Marshal.SizeOf<ZStream>()), "inflateInit2");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override unsafe int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty || _finished) return 0;
        while (true)
        {
            if (_inputStart == _inputEnd && !_innerEnded)
            {
                _inputEnd = _inner.Read(_input, 0, _input.Length);
                _inputStart = 0;
                _innerEnded = _inputEnd == 0;
            }
            if (_memberEnded)
            {
                // Concatenated members are legal gzip; anything else after a member is not.
                if (_inputStart == _inputEnd && _innerEnded)
                {
                    _finished = true;
                    return 0;
                }
                Check(Zlib.inflateReset(_zstream), "inflateReset");
                _memberEnded = false;
                _atMemberStart = true;
            }
            if (_inputStart == _inputEnd && _innerEnded)
            {
                // An empty object is an empty file whatever its name (a zero-byte upload named .csv.gz).
                if (!_sawData)
                {
                    _finished = true;
                    return 0;
                }
                throw new InvalidDataException("truncated gzip: the stream ends inside a compressed member");
            }

            fixed (byte* output = buffer)
            {
                ref var z = ref *(ZStream*)_zstream;
                z.NextIn = _inputHandle.AddrOfPinnedObject() + _inputStart;
                z.AvailIn = (uint)(_inputEnd - _inputStart);
                z.NextOut = (IntPtr)output;
                z.AvailOut = (uint)buffer.Length;
                var result = Zlib.inflate(_zstream, ZNoFlush);
                var consumed = (_inputEnd - _inputStart) - (int)z.AvailIn;
                var produced = buffer.Length - (int)z.AvailOut;
                _inputStart += consumed;
                _sawData |= consumed > 0;
                if (result == ZStreamEnd)
                {
                    _memberEnded = true;
                    _members++;
                }
                else if (result != ZOk && result != ZBufError)
                {
                    var message = z.Msg == IntPtr.Zero ? $"zlib error {result}" : Marshal.PtrToStringAnsi(z.Msg);
                    // gunzip only warns about such bytes and prints the data, so say what they are.
                    throw new InvalidDataException(!_atMemberStart ? $"corrupt gzip: {message}"
                        : _members == 0 ? $"not gzip: the file does not start with a gzip header ({message}); a plain CSV must not be named .gz"
                        : $"trailing garbage: the bytes after gzip member {_members} are not another gzip member ({message}); gunzip reports them as \"trailing garbage ignored\"");
                }
                if (result is ZOk or ZStreamEnd) _atMemberStart = false;
                if (produced > 0) return produced;
            }
        }
    }

    private static void Check(int result, string operation)
    {
        if (result != ZOk) throw new InvalidOperationException($"zlib {operation} failed with {result}");
    }

    protected override void Dispose(bool disposing)
    {
        if (_zstream != IntPtr.Zero)
        {
            _ = Zlib.inflateEnd(_zstream);
            Marshal.FreeHGlobal(_zstream);
            _zstream = IntPtr.Zero;
            _inputHandle.Free();
            if (disposing) _inner.Dispose();
        }
        base.Dispose(disposing);
    }

    // zlib's z_stream on LP64 (Linux, macOS): pointers and uLong are 8 bytes, uInt and int are 4.
    [StructLayout(LayoutKind.Sequential)]
    private struct ZStream
    {
        public IntPtr NextIn;
        public uint AvailIn;
        public nuint TotalIn;
        public IntPtr NextOut;
        public uint AvailOut;
        public nuint TotalOut;
        public IntPtr Msg;
        public IntPtr State;
        public IntPtr ZAlloc;
        public IntPtr ZFree;
        public IntPtr Opaque;
        public int DataType;
        public nuint Adler;
        public nuint Reserved;
    }

    private static class Zlib
    {
        private const string Library = "libz.so.1";
        public const string Version = "1.2.13";

        static Zlib() => NativeLibrary.SetDllImportResolver(typeof(Zlib).Assembly, Resolve);

        private static IntPtr Resolve(string name, System.Reflection.Assembly assembly, DllImportSearchPath? path)
        {
            if (name != Library) return IntPtr.Zero;
            foreach (var candidate in new[] { "libz.so.1", "libz.so", "libz.1.dylib", "libz.dylib" })
            {
                if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle)) return handle;
            }
            return IntPtr.Zero;
        }

        [DllImport(Library)] public static extern int inflateInit2_(IntPtr stream, int windowBits, [MarshalAs(UnmanagedType.LPStr)] string version, int streamSize);
        [DllImport(Library)] public static extern int inflate(IntPtr stream, int flush);
        [DllImport(Library)] public static extern int inflateReset(IntPtr stream);
        [DllImport(Library)] public static extern int inflateEnd(IntPtr stream);
    }
}
