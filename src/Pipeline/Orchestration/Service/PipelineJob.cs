using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace SpotifyWorker.Pipeline.Orchestration.Service;

/// <summary>
/// The scheduled run. Quartz never runs two at once in this process ([DisallowConcurrentExecution]); the lease
/// keeps other processes out. SIGTERM (ApplicationStopping) cancels the run at its next safe point.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class PipelineJob(
    RunCoordinator coordinator,
    LeaseManager leases,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<PipelineJob> logger) : IJob
{
    public static readonly JobKey Key = new("pipeline-run", "spotify-worker");

    /// <summary>How long after the holder's lease expires the retry runs.</summary>
    private static readonly TimeSpan RetryMargin = TimeSpan.FromSeconds(1);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        var summary = await coordinator.RunAsync(stopping.Token).ConfigureAwait(false);
        if (summary.Outcome == RunOutcome.Yielded && !stopping.IsCancellationRequested)
        {
            await RetryWhenLeaseExpiresAsync(context.Scheduler, stopping.Token).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A run that yielded to another worker's lease would otherwise wait for the next cron fire, a night away. That
    /// is exactly what happens after a worker is killed mid-run: the restarted service's catch-up run meets the dead
    /// worker's unexpired lease. So the job runs once more just after that lease expires; if its holder is alive and
    /// renews it, that run yields again and schedules the next retry, until the holder is done.
    /// </summary>
    private async Task RetryWhenLeaseExpiresAsync(IScheduler scheduler, CancellationToken cancellationToken)
    {
        var holder = await leases.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (holder is null || holder.ExpiresAt <= time.GetUtcNow()) return; // nobody holds it: the next fire will do
        var at = holder.ExpiresAt + RetryMargin;
        var retry = TriggerBuilder.Create()
            .ForJob(Key)
            .StartAt(at)
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        await scheduler.ScheduleJob(retry, new ScheduleJobOptions(), cancellationToken).ConfigureAwait(false);
        LogRetry(holder.Owner, holder.ExpiresAt, at);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The lease is held by {Owner} until {ExpiresAt:o}; this service runs again at {RetryAt:o} (a dead worker's lease expires by then)")]
    private partial void LogRetry(string owner, DateTimeOffset expiresAt, DateTimeOffset retryAt);
}
