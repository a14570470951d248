using System.Globalization;
using Amazon.Runtime;
using SpotifyWorker.Pipeline.Costs;

namespace SpotifyWorker.Pipeline.Aws.S3;

/// <summary>
/// The S3 client's HTTP client, with a handler that counts every request that goes on the wire, the SDK's
/// retries included (each attempt is a request S3 bills), and the bytes of every PUT S3 accepted.
/// </summary>
public sealed class CountingS3HttpClientFactory(UsageMeter meter) : HttpClientFactory
{
    private readonly Lock _gate = new();
    private HttpClient? _client;

    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
        lock (_gate)
        {
            // One pooled client for the S3 client's lifetime, as the SDK's own caching would keep.
            return _client ??= new HttpClient(new CountingHandler(meter, new SocketsHttpHandler
            {
                AllowAutoRedirect = clientConfig.AllowAutoRedirect,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            }))
            {
                Timeout = clientConfig.Timeout ?? TimeSpan.FromSeconds(100),
            };
        }
    }

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    /// <summary>How S3 bills a request, from its method and query (a GET with <c>list-type</c> or <c>uploads</c> is a LIST).</summary>
    public static S3RequestClass Classify(HttpMethod method, string? query)
    {
        if (method == HttpMethod.Delete) return S3RequestClass.Free;
        if (method == HttpMethod.Put || method == HttpMethod.Post) return S3RequestClass.PutCopyPostList;
        var parameters = (query ?? "").TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)[0]);
        return parameters.Any(p => p is "list-type" or "uploads" or "versions" or "delimiter" or "prefix")
            ? S3RequestClass.PutCopyPostList
            : S3RequestClass.Get;
    }

    /// <summary>
    /// The object bytes of a PUT: with the SDK's streaming checksums the body is aws-chunked and the object's
    /// own length travels in <c>x-amz-decoded-content-length</c>.
    /// </summary>
    public static long PutBytes(HttpRequestMessage request)
    {
        if (request.Headers.TryGetValues("x-amz-decoded-content-length", out var decoded)
            && long.TryParse(decoded.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            return length;
        }
        return request.Content?.Headers.ContentLength ?? 0;
    }

    private sealed class CountingHandler(UsageMeter meter, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            meter.RecordS3Request(Classify(request.Method, request.RequestUri?.Query));
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (request.Method == HttpMethod.Put && response.IsSuccessStatusCode) meter.RecordBytesWritten(PutBytes(request));
            return response;
        }
    }
}
