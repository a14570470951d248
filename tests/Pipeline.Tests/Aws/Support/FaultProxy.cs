using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SpotifyWorker.Pipeline.Tests.Aws.Support;

public enum FaultKind
{
    None,

    /// <summary>400 ThrottlingException (JSON services) or 503 SlowDown (S3).</summary>
    Throttle,

    /// <summary>500 InternalServiceException / InternalError.</summary>
    ServerError,

    /// <summary>The connection is reset (RST) before the request reaches the server.</summary>
    Reset,

    /// <summary>The request is forwarded after a delay.</summary>
    Slow,

    /// <summary>400 AccessDeniedException / 403 AccessDenied: permanent.</summary>
    AccessDenied,

    /// <summary>The request reaches the server and takes effect, then the connection is reset before the answer arrives.</summary>
    LostResponse,

    /// <summary>400 ExpiredTokenException / 400 ExpiredToken: the request was signed with credentials the service no longer accepts.</summary>
    ExpiredToken,
}

/// <summary>One request as the proxy saw it; <see cref="Target"/> is the X-Amz-Target of JSON services, null for S3.</summary>
public sealed record ProxiedRequest(int Index, string Method, string Path, string? Target, IReadOnlyDictionary<string, string> Headers)
{
    public bool IsS3 => Target is null;
}

public sealed record Fault(FaultKind Kind, TimeSpan Delay = default)
{
    public static readonly Fault None = new(FaultKind.None);
}

/// <summary>
/// An HTTP/1.1 proxy on a loopback port in front of moto that injects faults moto cannot: throttling, 500s,
/// connection resets and slow answers, chosen per request by the test. One request per connection (it answers
/// with Connection: close), which the AWS clients handle like any server closing an idle connection.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly Func<ProxiedRequest, Fault> _decide;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly ConcurrentQueue<(ProxiedRequest Request, FaultKind Fault)> _log = new();
    private int _index;

    public FaultProxy(int targetPort, Func<ProxiedRequest, Fault> decide)
    {
        _targetPort = targetPort;
        _decide = decide;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Every request and the fault it got, in arrival order.</summary>
    public IReadOnlyList<(ProxiedRequest Request, FaultKind Fault)> Log => [.. _log];

    public int Count(FaultKind kind) => _log.Count(l => l.Fault == kind);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(client));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var (head, lines) = await ReadHeadAsync(stream);
            if (head is null) return;
            var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
                .GroupBy(p => p[0].Trim(), StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.Last()[1].Trim(), StringComparer.OrdinalIgnoreCase);
            if (headers.TryGetValue("Expect", out var expect) && expect.Equals("100-continue", StringComparison.OrdinalIgnoreCase))
            {
                await stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), _stop.Token);
            }
            var body = await ReadBodyAsync(stream, headers);
            var requestLine = lines[0].Split(' ');
            var request = new ProxiedRequest(Interlocked.Increment(ref _index), requestLine[0], requestLine[1], headers.GetValueOrDefault("X-Amz-Target"), headers);
            var fault = _decide(request);
            _log.Enqueue((request, fault.Kind));
            switch (fault.Kind)
            {
                case FaultKind.Reset:
                    client.Client.LingerState = new LingerOption(true, 0);
                    client.Client.Close();
                    return;
                case FaultKind.Throttle or FaultKind.ServerError or FaultKind.AccessDenied or FaultKind.ExpiredToken:
                    await stream.WriteAsync(ErrorResponse(fault.Kind, request), _stop.Token);
                    return;
                case FaultKind.Slow:
                    await Task.Delay(fault.Delay, _stop.Token);
                    break;
            }
            await ForwardAsync(stream, lines, body, answer: fault.Kind != FaultKind.LostResponse);
            if (fault.Kind == FaultKind.LostResponse)
            {
                client.Client.LingerState = new LingerOption(true, 0);
                client.Client.Close();
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client gave up (its attempt timed out) or the proxy is stopping.
        }
    }

    /// <param name="answer">False to forward the request and drop the server's answer (a lost response).</param>
    private async Task ForwardAsync(NetworkStream client, List<string> lines, byte[] body, bool answer)
    {
        using var server = new TcpClient();
        await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
        var upstream = server.GetStream();
        var head = new StringBuilder(lines[0]).Append("\r\n");
        foreach (var line in lines.Skip(1))
        {
            if (line.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase) || line.StartsWith("Expect:", StringComparison.OrdinalIgnoreCase)) continue;
            head.Append(line).Append("\r\n");
        }
        head.Append("Connection: close\r\n\r\n");
        await upstream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token);
        await upstream.WriteAsync(body, _stop.Token);

        using var response = new MemoryStream();
        await upstream.CopyToAsync(response, _stop.Token);
        if (!answer) return;
        var bytes = response.ToArray();
        var end = IndexOf(bytes, "\r\n\r\n"u8);
        var responseLines = Encoding.ASCII.GetString(bytes, 0, end).Split("\r\n")
            .Where(l => !l.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase));
        await client.WriteAsync(Encoding.ASCII.GetBytes(string.Join("\r\n", responseLines) + "\r\nConnection: close\r\n\r\n"), _stop.Token);
        await client.WriteAsync(bytes.AsMemory(end + 4), _stop.Token);
    }

    private static byte[] ErrorResponse(FaultKind kind, ProxiedRequest request)
    {
        var (status, code, message) = kind switch
        {
            FaultKind.Throttle => request.IsS3 ? (503, "SlowDown", "Please reduce your request rate.") : (400, "ThrottlingException", "Rate exceeded"),
            FaultKind.ServerError => request.IsS3 ? (500, "InternalError", "injected internal error") : (500, "InternalServiceException", "injected internal error"),
            FaultKind.ExpiredToken => request.IsS3 ? (400, "ExpiredToken", "The provided token has expired.") : (400, "ExpiredTokenException", "The security token included in the request is expired"),
            _ => request.IsS3 ? (403, "AccessDenied", "Access Denied") : (400, "AccessDeniedException", "User is not authorized to perform this action"),
        };
        var (type, body) = request.IsS3
            ? ("application/xml", $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>fault</RequestId></Error>")
            : ("application/x-amz-json-1.1", $"{{\"__type\":\"{code}\",\"message\":\"{message}\"}}");
        var bytes = Encoding.UTF8.GetBytes(body);
        var reason = status switch { 400 => "Bad Request", 403 => "Forbidden", 500 => "Internal Server Error", _ => "Service Unavailable" };
        // HEAD answers carry no body, only its length.
        var head = $"HTTP/1.1 {status} {reason}\r\nContent-Type: {type}\r\nContent-Length: {bytes.Length.ToString(CultureInfo.InvariantCulture)}\r\nx-amzn-RequestId: fault\r\nConnection: close\r\n\r\n";
        return [.. Encoding.ASCII.GetBytes(head), .. request.Method == "HEAD" ? [] : bytes];
    }

    private async Task<(string? Head, List<string> Lines)> ReadHeadAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            var read = await stream.ReadAsync(one, _stop.Token);
            if (read == 0) return (null, []);
            buffer.Add(one[0]);
            var n = buffer.Count;
            if (n >= 4 && buffer[n - 4] == '\r' && buffer[n - 3] == '\n' && buffer[n - 2] == '\r' && buffer[n - 1] == '\n') break;
        }
        var head = Encoding.ASCII.GetString([.. buffer]);
        return (head, [.. head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)]);
    }

    private async Task<byte[]> ReadBodyAsync(NetworkStream stream, Dictionary<string, string> headers)
    {
        if (headers.TryGetValue("Content-Length", out var length))
        {
            var body = new byte[long.Parse(length, CultureInfo.InvariantCulture)];
            await stream.ReadExactlyAsync(body, _stop.Token);
            return body;
        }
        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            // Passed through as it came: chunk-size lines, chunks and the final empty chunk.
            var raw = new MemoryStream();
            while (true)
            {
                var sizeLine = await ReadLineAsync(stream);
                raw.Write(Encoding.ASCII.GetBytes(sizeLine + "\r\n"));
                var size = int.Parse(sizeLine.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                var chunk = new byte[size + 2];
                await stream.ReadExactlyAsync(chunk, _stop.Token);
                raw.Write(chunk);
                if (size == 0) return raw.ToArray();
            }
        }
        return [];
    }

    private async Task<string> ReadLineAsync(NetworkStream stream)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (await stream.ReadAsync(one, _stop.Token) == 1)
        {
            if (one[0] == '\n') break;
            if (one[0] != '\r') line.Append((char)one[0]);
        }
        return line.ToString();
    }

    private static int IndexOf(byte[] bytes, ReadOnlySpan<byte> pattern) => bytes.AsSpan().IndexOf(pattern);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
