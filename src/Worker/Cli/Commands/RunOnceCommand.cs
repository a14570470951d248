using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Worker.Output;

namespace SpotifyWorker.Worker.Cli.Commands;

/// <summary>
/// <c>run-once</c>: one full cycle; exit 0 on success (or nothing new), 1 on failure. A run that yields to another
/// worker's lease prints one line (who holds it, since and until when, whether the holder looks alive, what to do)
/// and exits 0 only while the holder looks alive.
/// </summary>
public static class RunOnceCommand
{
    public static Command Create()
    {
        var command = new Command("run-once", "Process whatever is new under the raw prefix once, then exit");
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = await PipelineHost.OpenLakeAsync(parse, cancellationToken, showProgress: true).ConfigureAwait(false);
            var summary = await RunAsync(host.Services, cancellationToken).ConfigureAwait(false);
            if (summary.Outcome == RunOutcome.Yielded)
            {
                // Looked at again, as the run may have yielded mid-way (lease lost, commit race) and the holder may
                // have finished since; a holder that is gone blocks nobody, so its run's own reason is shown instead.
                var lease = await host.Services.GetRequiredService<LeaseManager>().InspectAsync(cancellationToken).ConfigureAwait(false);
                parse.InvocationConfiguration.Output.WriteLine(lease.IsHeld ? lease.YieldLine() : summary.Error);
                return lease.IsHeld && !lease.LooksAlive ? ExitCodes.RunFailed : ExitCodes.Ok;
            }
            SummaryPrinter.Print(summary, parse.InvocationConfiguration.Output);
            return summary.Outcome is RunOutcome.Failed ? ExitCodes.RunFailed : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>One run under the lease, behind a progress bar when a person is watching.</summary>
    public static Task<RunSummary> RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var coordinator = services.GetRequiredService<RunCoordinator>();
        return services.GetRequiredService<IRunProgress>() is TerminalProgress terminal
            ? terminal.RunAsync(() => coordinator.RunAsync(cancellationToken))
            : coordinator.RunAsync(cancellationToken);
    }
}
