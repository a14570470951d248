using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Orchestration.Service;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Orchestration;

public sealed class ScheduleOptionsTests
{
    [Fact]
    public void NextRun_DefaultCron_IsTwoAmUtc()
    {
        var next = new ScheduleOptions().NextRun(new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero), next);
    }

    [Fact]
    public void Period_DefaultCron_IsOneDay() =>
        Assert.Equal(TimeSpan.FromDays(1), new ScheduleOptions().Period(DateTimeOffset.UnixEpoch));

    [Theory]
    [InlineData("0 0 2 * *", "UTC", "Pipeline:Schedule:Cron = '0 0 2 * *'")]
    [InlineData("0 0 2 * * ?", "Mars/Olympus", "Pipeline:Schedule:TimeZone = 'Mars/Olympus'")]
    public void Validate_BadSetting_NamesKeyAndValue(string cron, string zone, string expected)
    {
        var result = new SectionValidator<ScheduleOptions>(ScheduleOptions.Section).Validate(null, new ScheduleOptions { Cron = cron, TimeZone = zone });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }
}
