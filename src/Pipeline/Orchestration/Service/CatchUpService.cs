using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace SpotifyWorker.Pipeline.Orchestration.Service;

/// <summary>
/// At start-up, triggers a run now when the last completed run is older than one schedule period, so a worker
/// that was down over night does not silently skip the night. Quartz's misfire handling cannot know this: the
/// schedule lives in memory and starts fresh with every process.
/// </summary>
public sealed partial class CatchUpService(
    ISchedulerFactory schedulers,
    RunHistory history,
    IOptions<ScheduleOptions> schedule,
    TimeProvider time,
    ILogger<CatchUpService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!schedule.Value.CatchUp) return;
        var now = time.GetUtcNow();
        var last = await LastCompletedAsync(cancellationToken).ConfigureAwait(false);
        var period = schedule.Value.Period(now);
        if (last is not null && now - last.Value < period)
        {
            LogNoCatchUp(last.Value, period);
            return;
        }
        LogCatchUp(last?.ToString("o", System.Globalization.CultureInfo.InvariantCulture) ?? "never", period);
        var scheduler = await schedulers.GetScheduler(cancellationToken).ConfigureAwait(false);
        await scheduler.TriggerJob(PipelineJob.Key, cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Start of the newest run that got to the end (processed something or found nothing new).</summary>
    public async Task<DateTimeOffset?> LastCompletedAsync(CancellationToken cancellationToken)
    {
        var runs = await history.ReadRecentAsync(50, cancellationToken).ConfigureAwait(false);
        return runs.FirstOrDefault(r => r.Outcome is RunOutcome.Succeeded or RunOutcome.NothingNew)?.StartedAt;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No catch-up run: the last completed run started {Last:o}, within one schedule period ({Period})")]
    private partial void LogNoCatchUp(DateTimeOffset last, TimeSpan period);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catch-up run now: the last completed run started {Last}, not within one schedule period ({Period})")]
    private partial void LogCatchUp(string last, TimeSpan period);
}
