using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Orchestration.Service;

namespace SpotifyWorker.Worker.Cli.Commands;

/// <summary><c>health</c>: the container's liveness check; exit 0 while the running service's heartbeat is fresh.</summary>
public static class HealthCommand
{
    public static Command Create()
    {
        var command = new Command("health", "Exit 0 when the running service's heartbeat file is fresh (for HEALTHCHECK), 1 otherwise");
        command.SetAction(parse =>
        {
            using var host = PipelineHost.Build(parse);
            var healthy = HeartbeatService.IsFresh(host.Services.GetRequiredService<IOptions<HealthOptions>>().Value, host.Services.GetRequiredService<TimeProvider>(), out var detail);
            parse.InvocationConfiguration.Output.WriteLine((healthy ? "healthy: " : "unhealthy: ") + detail);
            return healthy ? ExitCodes.Ok : ExitCodes.RunFailed;
        });
        return command;
    }
}
