using System.Net;
using System.Text.Json;

namespace SpotifyWorker.Pipeline.Aws.Http;

/// <summary>
/// An error answer of an AWS JSON service, with its error code (e.g. <c>EntityNotFoundException</c>) and message.
/// <see cref="IsTransient"/> tells the retry policy whether trying again can help.
/// </summary>
public class AwsServiceException(string operation, string errorCode, string message, HttpStatusCode statusCode, string? requestId, bool isTransient = false, Exception? inner = null)
    : Exception($"{operation} failed: {errorCode}: {message}", inner)
{
    /// <summary>The service and operation, like <c>AWSGlue.StartJobRun</c>.</summary>
    public string Operation { get; } = operation;

    public string ErrorCode { get; } = errorCode;

    public string ErrorMessage { get; } = message;

    public HttpStatusCode StatusCode { get; } = statusCode;

    public string? RequestId { get; } = requestId;

    public bool IsTransient { get; } = isTransient;

    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled",
        "RequestThrottledException", "ProvisionedThroughputExceededException", "SlowDown", "ThrottledException",
    };

    /// <summary>Maps an error response (<c>__type</c> or <c>x-amzn-ErrorType</c>, and <c>message</c>) to a typed exception.</summary>
    public static AwsServiceException FromResponse(string operation, HttpStatusCode status, string? errorTypeHeader, string? requestId, string body)
    {
        string? type = errorTypeHeader;
        string? message = null;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in json.RootElement.EnumerateObject())
                {
                    if (property.NameEquals("__type") || property.NameEquals("code")) type ??= property.Value.GetString();
                    else if (property.Name.Equals("message", StringComparison.OrdinalIgnoreCase)) message = property.Value.GetString();
                }
            }
        }
        catch (JsonException)
        {
            message = body.Length > 300 ? body[..300] : body;
        }
        var code = ErrorCodeOf(type) ?? (status >= HttpStatusCode.InternalServerError ? "InternalServerError" : "UnknownError");
        message = string.IsNullOrWhiteSpace(message) ? $"HTTP {(int)status}" : message;
        return code switch
        {
            "ConcurrentRunsExceededException" => new ConcurrentRunsExceededException(operation, message, status, requestId),
            "CrawlerRunningException" => new CrawlerRunningException(operation, message, status, requestId),
            "EntityNotFoundException" => new EntityNotFoundException(operation, message, status, requestId),
            "AccessDeniedException" or "AccessDenied" or "UnrecognizedClientException" or "InvalidSignatureException" or "ExpiredTokenException"
                => new AccessDeniedException(operation, code, message, status, requestId),
            "InvalidInputException" or "ValidationException" => new InvalidInputException(operation, code, message, status, requestId),
            "InvalidRequestException" => new InvalidRequestException(operation, message, status, requestId),
            _ when ThrottlingCodes.Contains(code) => new AwsThrottlingException(operation, code, message, status, requestId),
            _ => new AwsServiceException(operation, code, message, status, requestId, isTransient: status >= HttpStatusCode.InternalServerError),
        };
    }

    // "com.amazonaws.glue#EntityNotFoundException:extra" -> "EntityNotFoundException"
    private static string? ErrorCodeOf(string? type)
    {
        if (string.IsNullOrWhiteSpace(type)) return null;
        var hash = type.LastIndexOf('#');
        if (hash >= 0) type = type[(hash + 1)..];
        var colon = type.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? type[..colon] : type;
    }
}

/// <summary>The service asked to slow down; retried with backoff.</summary>
public sealed class AwsThrottlingException(string operation, string errorCode, string message, HttpStatusCode statusCode, string? requestId)
    : AwsServiceException(operation, errorCode, message, statusCode, requestId, isTransient: true);

/// <summary>Glue: the job already runs as many runs as it may (MaxConcurrentRuns).</summary>
public sealed class ConcurrentRunsExceededException(string operation, string message, HttpStatusCode statusCode, string? requestId)
    : AwsServiceException(operation, "ConcurrentRunsExceededException", message, statusCode, requestId);

/// <summary>Glue: the crawler is crawling already; wait for that crawl.</summary>
public sealed class CrawlerRunningException(string operation, string message, HttpStatusCode statusCode, string? requestId)
    : AwsServiceException(operation, "CrawlerRunningException", message, statusCode, requestId);

/// <summary>Glue: no such job, run, crawler, database or table.</summary>
public sealed class EntityNotFoundException(string operation, string message, HttpStatusCode statusCode, string? requestId)
    : AwsServiceException(operation, "EntityNotFoundException", message, statusCode, requestId);

/// <summary>The credentials may not do this (or are not valid): permanent, the run fails at once.</summary>
public sealed class AccessDeniedException(string operation, string errorCode, string message, HttpStatusCode statusCode, string? requestId)
    : AwsServiceException(operation, errorCode, message, statusCode, requestId);

/// <summary>Glue: the request is invalid (InvalidInputException, ValidationException).</summary>
public sealed class InvalidInputException(string operation, string errorCode, string message, HttpStatusCode statusCode, string? requestId)
    : AwsServiceException(operation, errorCode, message, statusCode, requestId);

/// <summary>Athena: the request or the SQL is invalid.</summary>
public sealed class InvalidRequestException(string operation, string message, HttpStatusCode statusCode, string? requestId)
    : AwsServiceException(operation, "InvalidRequestException", message, statusCode, requestId);

/// <summary>
/// A transient error outlasted the retry limits (Pipeline:Aws:Retry). The message names the operation, the
/// attempts, the time spent and the last AWS error code, which <see cref="AwsServiceException.ErrorCode"/> keeps.
/// </summary>
public sealed class AwsRetriesExhaustedException(string operation, int attempts, TimeSpan elapsed, string errorCode, string lastError, Exception? inner)
    : AwsServiceException(operation, errorCode, $"gave up after {attempts} attempt(s) in {elapsed.TotalSeconds:F1} s (Pipeline:Aws:Retry); last error: {lastError}", 0, (inner as AwsServiceException)?.RequestId, false, inner)
{
    public int Attempts { get; } = attempts;
}
