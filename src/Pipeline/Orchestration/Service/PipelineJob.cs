using Microsoft.Extensions.Hosting;
using Quartz;

namespace SpotifyWorker.Pipeline.Orchestration.Service;

/// <summary>
/// The scheduled run. Quartz never runs two at once in this process ([DisallowConcurrentExecution]); the lease
/// keeps other processes out. SIGTERM (ApplicationStopping) cancels the run at its next safe point.
/// </summary>
[DisallowConcurrentExecution]
public sealed class PipelineJob(RunCoordinator coordinator, IHostApplicationLifetime lifetime) : IJob
{
    public static readonly JobKey Key = new("pipeline-run", "spotify-worker");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        await coordinator.RunAsync(stopping.Token).ConfigureAwait(false);
    }
}
