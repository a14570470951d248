using System.Text.Json;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>
/// Where this process runs, recorded in the lease so that an operator can find the holder: the ECS task ARN from
/// the task metadata endpoint (<c>$ECS_CONTAINER_METADATA_URI_V4/task</c>) when the worker runs on ECS, else the
/// host name and process id. Read once per process; an endpoint that does not answer in two seconds is skipped.
/// </summary>
public sealed class HolderLocation(string? metadataUri, HttpMessageHandler? handler = null)
{
    public const string MetadataVariable = "ECS_CONTAINER_METADATA_URI_V4";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private readonly SemaphoreSlim _once = new(1, 1);
    private string? _location;

    public static HolderLocation FromEnvironment() => new(Environment.GetEnvironmentVariable(MetadataVariable));

    public static string HostAndProcess => $"host {Environment.MachineName} pid {Environment.ProcessId}";

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        if (_location is not null) return _location;
        await _once.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _location ??= await TaskArnAsync(cancellationToken).ConfigureAwait(false) ?? HostAndProcess;
        }
        finally
        {
            _once.Release();
        }
    }

    private async Task<string?> TaskArnAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(metadataUri)) return null;
        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = Timeout;
        try
        {
            await using var body = await http.GetStreamAsync(new Uri(metadataUri.TrimEnd('/') + "/task"), cancellationToken).ConfigureAwait(false);
            using var task = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
            return task.RootElement.TryGetProperty("TaskARN", out var arn) && arn.ValueKind == JsonValueKind.String ? arn.GetString() : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or UriFormatException)
        {
            // The location is for people reading the lease; a worker without it still runs.
            return cancellationToken.IsCancellationRequested ? throw new OperationCanceledException(cancellationToken) : null;
        }
    }
}
