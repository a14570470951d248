using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Costs;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>
/// A whole run as the service and run-once perform it: take the lease (or yield), run the pipeline under it,
/// then end the run in one place: exactly one summary event (PipelineRunCompleted or PipelineRunFailed),
/// one run-history record and one EMF metrics line, each with what the run used and cost.
/// </summary>
public sealed partial class RunCoordinator(
    PipelineRunner runner,
    LeaseManager leases,
    RunHistory history,
    EmfMetrics metrics,
    UsageMeter usage,
    CostCalculator costs,
    IOptions<PipelineOptions> pipeline,
    TimeProvider time,
    ILogger<RunCoordinator> logger)
{
    public async Task<RunSummary> RunAsync(CancellationToken cancellationToken)
    {
        var runId = PipelineRunner.NewRunId(time);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["RunId"] = runId });
        var started = time.GetUtcNow();
        usage.Take(); // what was used between runs (status, catch-up checks) is no run's
        RunSummary summary;
        var (lease, refusal) = await leases.AcquireAsync(LeaseManager.ProcessOwner, runId, cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            summary = new RunSummary(runId, RunOutcome.Yielded, started, time.GetUtcNow(), 0, [], 0, new Dictionary<string, double>(), 0, null, refusal!.YieldLine());
        }
        else
        {
            await using (lease.ConfigureAwait(false))
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
                summary = await runner.RunOnceAsync(runId, lease, linked.Token).ConfigureAwait(false);
                if (summary.Outcome == RunOutcome.Cancelled && lease.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    summary = summary with { Outcome = RunOutcome.Yielded, Error = "Yielding: the lease was lost during the run; another worker took it over" };
                }
            }
        }

        var used = usage.Take();
        var cost = pipeline.Value.Backend == Backend.Aws ? costs.Price(used, summary.FinishedAt - summary.StartedAt) : RunCost.Local;
        summary = summary with { Cost = cost };
        if (summary.Outcome == RunOutcome.Failed)
        {
            LogRunFailed(summary.RunId, summary.Error ?? "", summary.Batches.Count, summary.CommittedSeq, summary.DurationSeconds, summary.StepSeconds,
                cost.Backend, cost.GlueDpuSeconds, cost.AthenaBytesScanned, cost.S3Requests, cost.BytesWritten, cost.EstimatedCostUsd);
        }
        else
        {
            LogRunCompleted(summary.RunId, summary.Outcome, summary.Batches.Count, summary.FilesProcessed, summary.FilesQuarantined, summary.RowsRead, summary.RowsRejected, summary.GoldRowsWritten, summary.GoldRows, summary.PartitionsRewritten, summary.DurationSeconds, summary.CommittedSeq, summary.StepSeconds,
                cost.Backend, cost.GlueDpuSeconds, cost.AthenaBytesScanned, cost.S3Requests, cost.BytesWritten, cost.EstimatedCostUsd);
        }
        await history.RecordAsync(summary).ConfigureAwait(false);
        metrics.Emit(summary);
        return summary;
    }

    [LoggerMessage(EventId = 1000, EventName = "PipelineRunCompleted", Level = LogLevel.Information,
        Message = "PipelineRunCompleted {RunId}: {Outcome}, {Batches} batches, {FilesProcessed} files processed, {FilesQuarantined} quarantined, {RowsRead} rows read, {RowsRejected} rejected, {GoldRowsWritten} gold rows written, {GoldRows} gold rows, {PartitionsRewritten} partitions rewritten, {DurationSeconds:F2} s, commit {CommittedSeq}, steps {StepSeconds}; backend {Backend}: {GlueDpuSeconds:F0} Glue DPU-s, {AthenaBytesScanned} Athena bytes scanned, {S3Requests} S3 requests, {BytesWritten} bytes written, estimated ${EstimatedCostUsd:F4}")]
    private partial void LogRunCompleted(string runId, RunOutcome outcome, int batches, int filesProcessed, int filesQuarantined, long rowsRead, long rowsRejected, long goldRowsWritten, long goldRows, int partitionsRewritten, double durationSeconds, long committedSeq, IReadOnlyDictionary<string, double> stepSeconds,
        string backend, double glueDpuSeconds, long athenaBytesScanned, long s3Requests, long bytesWritten, decimal estimatedCostUsd);

    [LoggerMessage(EventId = 1001, EventName = "PipelineRunFailed", Level = LogLevel.Error,
        Message = "PipelineRunFailed {RunId}: {Error} ({Batches} batches committed before the failure, last commit {CommittedSeq}, {DurationSeconds:F2} s, steps {StepSeconds}; backend {Backend}: {GlueDpuSeconds:F0} Glue DPU-s, {AthenaBytesScanned} Athena bytes scanned, {S3Requests} S3 requests, {BytesWritten} bytes written, estimated ${EstimatedCostUsd:F4})")]
    private partial void LogRunFailed(string runId, string error, int batches, long committedSeq, double durationSeconds, IReadOnlyDictionary<string, double> stepSeconds,
        string backend, double glueDpuSeconds, long athenaBytesScanned, long s3Requests, long bytesWritten, decimal estimatedCostUsd);
}
