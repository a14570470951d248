using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace SpotifyWorker.Pipeline.Tests.Aws.Support;

/// <summary>A request the stub received: the operation (X-Amz-Target), the JSON body and the headers.</summary>
public sealed record StubRequest(string Target, JsonElement Body, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// A tiny AWS JSON 1.1 service on a loopback port for what moto does not do (Athena result
/// paging, failed job runs and crawls): the test answers each operation with a status and a JSON body.
/// </summary>
public sealed class AwsJsonStub : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<StubRequest, (int Status, object Body)> _answer;
    private readonly Task _serving;

    public AwsJsonStub(Func<StubRequest, (int Status, object Body)> answer)
    {
        _answer = answer;
        Port = MotoServer.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public ConcurrentQueue<StubRequest> Requests { get; } = new();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var text = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            var request = new StubRequest(context.Request.Headers["X-Amz-Target"] ?? "", JsonDocument.Parse(text.Length == 0 ? "{}" : text).RootElement.Clone(), headers);
            Requests.Enqueue(request);
            var (status, body) = _answer(request);
            var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/x-amz-json-1.1";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    /// <summary>An AWS error body.</summary>
    public static (int, object) Error(int status, string type, string message) => (status, new Dictionary<string, string> { ["__type"] = type, ["message"] = message });

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        // A pending GetContextAsync is not always completed by Close on every platform; never hang a test on it.
        try
        {
            await _serving.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is ObjectDisposedException or TimeoutException)
        {
        }
    }
}
