using System.ComponentModel.DataAnnotations;
using Quartz;

namespace SpotifyWorker.Pipeline.Orchestration.Service;

/// <summary>When the service runs (section <c>Pipeline:Schedule</c>).</summary>
public sealed class ScheduleOptions : IValidatableObject
{
    public const string Section = "Pipeline:Schedule";

    /// <summary>Quartz cron expression (seconds first). Default <c>0 0 2 * * ?</c>: every night at 02:00.</summary>
    public string Cron { get; set; } = "0 0 2 * * ?";

    /// <summary>Time zone of <see cref="Cron"/> (IANA or Windows id). Default UTC.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Run at start-up when the last completed run is older than one schedule period. Default true.</summary>
    public bool CatchUp { get; set; } = true;

    /// <summary>The parsed schedule; call only after validation.</summary>
    public CronExpression Expression() => new(Cron, TimeZoneInfo.FindSystemTimeZoneById(TimeZone));

    /// <summary>The next fire time after <paramref name="after"/>.</summary>
    public DateTimeOffset? NextRun(DateTimeOffset after) => Expression().GetNextValidTimeAfter(after);

    /// <summary>The schedule's period around <paramref name="now"/>: the gap between its next two fire times.</summary>
    public TimeSpan Period(DateTimeOffset now)
    {
        var expression = Expression();
        var first = expression.GetNextValidTimeAfter(now) ?? now;
        var second = expression.GetNextValidTimeAfter(first) ?? first + TimeSpan.FromDays(1);
        return second - first;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var zoneOk = true;
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            zoneOk = false;
        }
        if (!zoneOk) yield return new ValidationResult("is not a known time zone id (for example UTC or Europe/Berlin)", [nameof(TimeZone)]);

        string? cronError = null;
        if (!CronExpression.TryParse(Cron, out _))
        {
            cronError = "is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week, e.g. 0 0 2 * * ?)";
        }
        else if (zoneOk && NextRun(DateTimeOffset.UnixEpoch) is null)
        {
            cronError = "never fires";
        }
        if (cronError is not null) yield return new ValidationResult(cronError, [nameof(Cron)]);
    }
}
