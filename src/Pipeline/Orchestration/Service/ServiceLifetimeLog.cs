using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SpotifyWorker.Pipeline.Orchestration.Service;

/// <summary>Says in the service's own log when it started (and when it runs next), when a stop was asked and when it stopped.</summary>
public sealed partial class ServiceLifetimeLog(IHostApplicationLifetime lifetime, IOptions<ScheduleOptions> schedule, IOptions<HealthOptions> health, TimeProvider time, ILogger<ServiceLifetimeLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => LogStarted(schedule.Value.Cron, schedule.Value.TimeZone, schedule.Value.NextRun(time.GetUtcNow())));
        lifetime.ApplicationStopping.Register(() => LogStopping(health.Value.ShutdownTimeout));
        lifetime.ApplicationStopped.Register(LogStopped);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Service started: schedule {Cron} ({TimeZone}), next run {NextRun:o}")]
    private partial void LogStarted(string cron, string timeZone, DateTimeOffset? nextRun);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stop requested (SIGTERM or Ctrl+C): the current run stops at its next safe point; waiting up to {Timeout}")]
    private partial void LogStopping(TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service stopped")]
    private partial void LogStopped();
}
