namespace SpotifyWorker.Pipeline.Manifest;

/// <summary>Another writer committed this sequence number first; the loser must publish nothing.</summary>
public sealed class CommitConflictException(long seq, string location)
    : Exception($"Commit {seq} was written by another worker first ({location}); this batch is abandoned and nothing of it is published")
{
    public long Seq { get; } = seq;
}
