using SpotifyWorker.Pipeline.Generation;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Generation;

public class ReleaseDateTests
{
    [Theory]
    [InlineData("Year", "1999")]
    [InlineData("Month", "1999-02")]
    [InlineData("Day", "1999-02-03")]
    [InlineData("Timestamp", "1999-02-03 07:00:00 UTC")]
    public void ToString_EachPrecision_UsesKaggleForm(string precision, string expected) =>
        Assert.Equal(expected, new ReleaseDate(1999, 2, 3, Enum.Parse<DatePrecision>(precision), 7 * 3600).ToString());

    [Fact]
    public void MoveYear_LeapDay_ChangesYearAndStaysAValidDate()
    {
        var rng = new SplitMix64(1);
        for (var i = 0; i < 1000; i++)
        {
            var date = new ReleaseDate(2020, 2, 29, DatePrecision.Day, 0);

            var moved = date.MoveYear(ref rng);

            Assert.NotEqual(date.Year, moved.Year);
            Assert.InRange(moved.Year, ReleaseDate.FirstYear, ReleaseDate.LastYear);
            Assert.InRange(moved.Day, 1, DateTime.DaysInMonth(moved.Year, moved.Month));
        }
    }
}
