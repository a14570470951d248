namespace SpotifyWorker.Pipeline.Aws.Glue;

/// <summary>A Glue job run ended in FAILED, TIMEOUT, ERROR, STOPPED or EXPIRED; the message carries Glue's ErrorMessage.</summary>
public sealed class GlueJobRunFailedException(string jobName, string runId, string state, string? errorMessage)
    : Exception($"Glue job run {runId} of {jobName} ended {state}: {errorMessage ?? "(Glue gave no error message; see the job's CloudWatch logs)"}")
{
    public string RunId { get; } = runId;

    public string State { get; } = state;

    public string? GlueErrorMessage { get; } = errorMessage;
}
