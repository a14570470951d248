using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Quartz;

namespace SpotifyWorker.Pipeline.Orchestration.Service;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// The long-running service on top of <see cref="PipelineServiceCollectionExtensions.AddPipeline"/>: Quartz with
    /// the cron trigger, the catch-up run, the heartbeat, and a shutdown timeout under ECS's stop timeout.
    /// </summary>
    public static IServiceCollection AddPipelineService(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HostOptions>().Configure<IOptions<HealthOptions>>((host, health) => host.ShutdownTimeout = health.Value.ShutdownTimeout);

        services.AddQuartz(quartz =>
        {
            // The trigger reads the validated options when the scheduler is built, not raw configuration now.
            quartz.ScheduleJob<PipelineJob>(
                (services, trigger) =>
                {
                    var schedule = services.GetRequiredService<IOptions<ScheduleOptions>>().Value;
                    trigger
                        .WithIdentity("nightly", "spotify-worker")
                        .WithCronSchedule(schedule.Cron, cron => cron
                            .InTimeZone(TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone))
                            .WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed));
                },
                (_, job) => job.WithIdentity(PipelineJob.Key).StoreDurably());
        });
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        services.AddHostedService<ServiceLifetimeLog>();
        services.AddHostedService<CatchUpService>();
        services.AddHostedService<HeartbeatService>();
        return services;
    }
}
