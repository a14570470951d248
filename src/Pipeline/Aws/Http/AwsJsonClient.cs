using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace SpotifyWorker.Pipeline.Aws.Http;

/// <summary>
/// One AWS JSON 1.1 service: <c>POST /</c> with <c>X-Amz-Target: &lt;prefix&gt;.&lt;Operation&gt;</c>, a JSON body,
/// SigV4-signed with credentials from the SDK's chain (fetched per request, so rotated task-role credentials
/// are picked up). Error answers become typed <see cref="AwsServiceException"/>s; transient ones are retried
/// by <see cref="AwsRetryPipeline"/>, and when the limits run out the caller gets
/// <see cref="AwsRetriesExhaustedException"/> naming the last AWS error code.
/// </summary>
public sealed partial class AwsJsonClient
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/x-amz-json-1.1");
    private readonly HttpClient _http;
    private readonly AwsEndpoint _endpoint;
    private readonly AWSCredentials _credentials;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _retry;
    private readonly TimeSpan _totalTimeout;

    public AwsJsonClient(HttpClient http, AwsEndpoint endpoint, AWSCredentials credentials, AwsRetryOptions retry, TimeProvider time, ILogger logger)
    {
        _http = http;
        _endpoint = endpoint;
        _credentials = credentials;
        _time = time;
        _logger = logger;
        _totalTimeout = retry.TotalTimeout;
        _retry = AwsRetryPipeline.Create(retry, time, (e, attempt, delay) => LogRetry(endpoint.TargetPrefix, attempt, delay.TotalMilliseconds, Describe(e)));
    }

    public AwsEndpoint Endpoint => _endpoint;

    /// <summary>Calls one operation; the request is serialized once, so every retry sends the same body (and idempotency token).</summary>
    public async Task<TResponse> SendAsync<TRequest, TResponse>(string operation, TRequest request, CancellationToken cancellationToken)
    {
        var target = _endpoint.TargetPrefix + "." + operation;
        var body = JsonSerializer.SerializeToUtf8Bytes(request, AwsJson.Options);
        var clock = Stopwatch.StartNew();
        var attempts = 0;
        var lastRetried = new StrongBox<Exception?>();
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(AwsRetryPipeline.LastRetriedError, lastRetried);
        try
        {
            var json = await _retry.ExecuteAsync(async ctx =>
            {
                attempts++;
                return await SendOnceAsync(target, body, ctx.CancellationToken).ConfigureAwait(false);
            }, context).ConfigureAwait(false);
            return JsonSerializer.Deserialize<TResponse>(json, AwsJson.Options)
                ?? throw new InvalidDataException($"{target} answered JSON null");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && (e is TimeoutRejectedException || AwsRetryPipeline.IsTransient(e)))
        {
            // The total time ran out mid-attempt: the error worth naming is the one that caused the last retry.
            var cause = e is TimeoutRejectedException t && t.Timeout == _totalTimeout && lastRetried.Value is { } retried ? retried : e;
            throw new AwsRetriesExhaustedException(target, attempts, clock.Elapsed, (cause as AwsServiceException)?.ErrorCode ?? ErrorCodeOf(cause), Describe(cause), cause);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async Task<byte[]> SendOnceAsync(string target, byte[] body, CancellationToken cancellationToken)
    {
        var credentials = await _credentials.GetCredentialsAsync().ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint.Uri);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = JsonContentType;
        var now = _time.GetUtcNow();
        var amzDate = AwsSigV4Signer.AmzDate(now);
        var host = _endpoint.Uri.IsDefaultPort ? _endpoint.Uri.Host : _endpoint.Uri.Authority;
        var headers = new List<KeyValuePair<string, string>>
        {
            new("content-type", JsonContentType.ToString()),
            new("host", host),
            new("x-amz-date", amzDate),
            new("x-amz-target", target),
        };
        if (credentials.UseToken) headers.Add(new("x-amz-security-token", credentials.Token));
        var signature = AwsSigV4Signer.Sign(
            new SigV4Request("POST", _endpoint.Uri.AbsolutePath, [], headers, AwsSigV4Signer.Hash(body)),
            credentials.AccessKey,
            credentials.SecretKey,
            _endpoint.Region,
            _endpoint.SigningName,
            now);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        if (credentials.UseToken) request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.Token);
        request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var content = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return content.Length == 0 ? "{}"u8.ToArray() : content;
        throw AwsServiceException.FromResponse(
            target,
            response.StatusCode,
            response.Headers.TryGetValues("x-amzn-ErrorType", out var types) ? types.FirstOrDefault() : null,
            response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null,
            System.Text.Encoding.UTF8.GetString(content));
    }

    private static string ErrorCodeOf(Exception e) => e switch
    {
        TimeoutRejectedException => "RequestTimeout",
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => "ConnectionError",
        HttpRequestException or IOException => "ConnectionReset",
        _ => e.GetType().Name,
    };

    private static string Describe(Exception? e) => e switch
    {
        null => "(none)",
        AwsServiceException aws => $"{aws.ErrorCode}: {aws.ErrorMessage} (HTTP {(int)aws.StatusCode})",
        TimeoutRejectedException t => $"RequestTimeout: no answer within {t.Timeout.TotalSeconds:F1} s",
        _ => $"{ErrorCodeOf(e)}: {e.Message}",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Service} request failed on attempt {Attempt}: {Error}; retrying in {DelayMs:F0} ms")]
    private partial void LogRetry(string service, int attempt, double delayMs, string error);
}
