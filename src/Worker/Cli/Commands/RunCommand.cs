using System.CommandLine;
using Microsoft.Extensions.Hosting;
using SpotifyWorker.Pipeline.Orchestration.Service;

namespace SpotifyWorker.Worker.Cli.Commands;

/// <summary>
/// <c>run</c>: the service the container starts. Runs on the cron schedule, catches up after downtime, and on
/// SIGTERM stops the current run at a safe point, releases the lease and exits 0.
/// </summary>
public static class RunCommand
{
    public const string Name = "run";

    public static Command Create()
    {
        var command = new Command(Name, "Run as a service: on the schedule (Pipeline:Schedule:Cron), with a catch-up run after downtime");
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = await PipelineHost.OpenLakeAsync(parse, cancellationToken, logToStdout: true, configure: builder => builder.Services.AddPipelineService(builder.Configuration)).ConfigureAwait(false);
            // The host owns SIGTERM and Ctrl+C (ConsoleLifetime): it cancels the run and waits up to the shutdown timeout.
            await host.RunAsync(CancellationToken.None).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }
}
