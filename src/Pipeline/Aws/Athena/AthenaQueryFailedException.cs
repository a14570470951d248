namespace SpotifyWorker.Pipeline.Aws.Athena;

/// <summary>An Athena statement ended FAILED or CANCELLED; the message carries Athena's reason.</summary>
public sealed class AthenaQueryFailedException(string queryExecutionId, string state, string? reason)
    : Exception($"Athena query {queryExecutionId} {state}: {reason ?? "(no reason given)"}")
{
    public string QueryExecutionId { get; } = queryExecutionId;

    public string State { get; } = state;
}
