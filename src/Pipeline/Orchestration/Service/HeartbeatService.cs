using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SpotifyWorker.Pipeline.Orchestration.Service;

/// <summary>Touches the heartbeat file while the service is up; <see cref="IsFresh"/> is the health check.</summary>
public sealed class HeartbeatService(IOptions<HealthOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var path = options.Value.HeartbeatFile;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            await File.WriteAllTextAsync(path, time.GetUtcNow().ToString("o"), stoppingToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        File.Delete(options.Value.HeartbeatFile); // a stopped service is not alive
    }

    /// <summary>True when the heartbeat file was written within <see cref="HealthOptions.MaxAge"/>.</summary>
    public static bool IsFresh(HealthOptions options, TimeProvider time, out string detail)
    {
        var file = new FileInfo(options.HeartbeatFile);
        if (!file.Exists)
        {
            detail = $"no heartbeat file at {file.FullName}: the service is not running";
            return false;
        }
        var age = time.GetUtcNow() - new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero);
        detail = $"heartbeat {age.TotalSeconds:F0} s old (limit {options.MaxAge.TotalSeconds:F0} s) at {file.FullName}";
        return age <= options.MaxAge;
    }
}
