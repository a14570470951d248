using SpotifyWorker.Pipeline.Orchestration;

namespace SpotifyWorker.Pipeline.Tests.Aws.Support;

/// <summary>A lease that remembers what the transform recorded in it.</summary>
public sealed class RecordingLease(LeaseDocument? inherited = null) : IRunLease
{
    public LeaseDocument? Inherited { get; } = inherited;

    public List<(string? JobRunId, long Seq)> Recorded { get; } = [];

    public Task RecordJobRunAsync(string? jobRunId, long seq, CancellationToken cancellationToken)
    {
        lock (Recorded) Recorded.Add((jobRunId, seq));
        return Task.CompletedTask;
    }
}
