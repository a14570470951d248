using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Reporting;

/// <summary>The pipeline history as the lake records it: the commit log (through checkpoints) and <c>_pipeline/runs/</c>.</summary>
public sealed class LakePipelineHistory(CommitLog commitLog, RunHistory runHistory) : IPipelineHistory
{
    /// <summary>Whole-file quarantines listed at most; the counts stay exact.</summary>
    public const int MaxQuarantinedFiles = 20;

    public async Task<PipelineHealth> ReadAsync(int runs, CancellationToken cancellationToken)
    {
        var state = await commitLog.LoadAsync(cancellationToken).ConfigureAwait(false);
        var recent = await runHistory.ReadRecentAsync(runs, cancellationToken).ConfigureAwait(false);
        var quarantined = state.Files.Values
            .Where(f => f.Outcome == FileOutcome.Quarantined)
            .OrderByDescending(f => f.Batch)
            .ThenBy(f => f.Key, StringComparer.Ordinal)
            .Take(MaxQuarantinedFiles)
            .Select(f => new QuarantinedFile(f.Key, f.Entity.Name(), f.Batch, f.Reason))
            .ToList();
        return new PipelineHealth(state.Seq, state.LastCommitAt, state.RowsOf(Tables.Gold), state.RowsOf(Tables.Quarantine), recent, quarantined);
    }
}
