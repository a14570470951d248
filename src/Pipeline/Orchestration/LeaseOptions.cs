using System.ComponentModel.DataAnnotations;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>The worker lease (section <c>Pipeline:Lease</c>): one worker per lake runs at a time.</summary>
public sealed class LeaseOptions : IValidatableObject
{
    public const string Section = "Pipeline:Lease";

    /// <summary>
    /// How long a lease holds without renewal. On S3 a dead worker's lease is taken over after this, so it is short;
    /// on a local lake a dead process's lease is taken over at once (the OS drops its lock). Default 2 minutes.
    /// </summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the holder renews (a conditional PUT). At most half of <see cref="Duration"/>. Default 30 seconds.</summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a run waits for a lease held by another worker before it yields. Default 0: yield at once.</summary>
    public TimeSpan WaitTimeout { get; set; } = TimeSpan.Zero;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Duration < TimeSpan.FromSeconds(1))
            yield return new ValidationResult("must be at least 00:00:01", [nameof(Duration)]);
        if (RenewInterval <= TimeSpan.Zero || RenewInterval * 2 > Duration)
            yield return new ValidationResult($"must be positive and at most half of Pipeline:Lease:Duration ({Duration})", [nameof(RenewInterval)]);
        if (WaitTimeout < TimeSpan.Zero)
            yield return new ValidationResult("must not be negative", [nameof(WaitTimeout)]);
    }
}
