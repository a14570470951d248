using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Worker.Output;

namespace SpotifyWorker.Worker.Cli.Commands;

/// <summary><c>run-once</c>: one full cycle; exit 0 on success (or nothing new), 1 on failure.</summary>
public static class RunOnceCommand
{
    public static Command Create()
    {
        var command = new Command("run-once", "Process whatever is new under the raw prefix once, then exit");
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = PipelineHost.Build(parse, showProgress: true);
            var summary = await RunAsync(host.Services, cancellationToken).ConfigureAwait(false);
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
