using System.ComponentModel.DataAnnotations;

namespace SpotifyWorker.Pipeline.Orchestration.Service;

/// <summary>
/// Liveness without network (section <c>Pipeline:Health</c>): the service touches a local heartbeat file,
/// and <c>SpotifyWorker health</c> (the container's HEALTHCHECK) exits 0 while it is fresh.
/// </summary>
public sealed class HealthOptions : IValidatableObject
{
    public const string Section = "Pipeline:Health";

    /// <summary>The heartbeat file, on the container's own filesystem. Default <c>&lt;temp&gt;/spotifyworker.heartbeat</c>.</summary>
    public string HeartbeatFile { get; set; } = Path.Combine(Path.GetTempPath(), "spotifyworker.heartbeat");

    /// <summary>How often the service touches the file. Default 30 seconds.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How old the heartbeat may be for <c>health</c> to pass. Default 2 minutes.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long the host waits for a run to stop at a safe point after SIGTERM. Default 25 s, under ECS's 30 s stop timeout.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(25);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(HeartbeatFile)) yield return new ValidationResult("must be a file path", [nameof(HeartbeatFile)]);
        if (Interval <= TimeSpan.Zero) yield return new ValidationResult("must be positive", [nameof(Interval)]);
        if (MaxAge <= Interval) yield return new ValidationResult($"must be longer than Pipeline:Health:Interval ({Interval})", [nameof(MaxAge)]);
        if (ShutdownTimeout <= TimeSpan.Zero || ShutdownTimeout > TimeSpan.FromMinutes(2)) yield return new ValidationResult("must be between 0 and 00:02:00 (ECS stops a task after its stop timeout)", [nameof(ShutdownTimeout)]);
    }
}
