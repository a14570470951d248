using System.Globalization;

namespace SpotifyWorker.Pipeline.Generation;

internal enum DatePrecision
{
    Year,
    Month,
    Day,
    Timestamp,
}

/// <summary>A Kaggle release_date: <c>YYYY-MM-DD HH:MM:SS UTC</c>, <c>YYYY-MM-DD</c>, <c>YYYY-MM</c> or <c>YYYY</c>.</summary>
internal readonly record struct ReleaseDate(int Year, int Month, int Day, DatePrecision Precision, int SecondOfDay)
{
    public const int FirstYear = 1950;
    public const int LastYear = 2023;

    public static ReleaseDate Random(ref SplitMix64 rng)
    {
        // Cubing a uniform piles years up near 2023 and thins them out towards 1950: about one release in
        // ten predates 1980. Multiplication, not Math.Pow, so that every platform computes the same year.
        var u = rng.NextDouble();
        var year = LastYear - (int)((LastYear - FirstYear + 1) * u * u * u);
        var roll = rng.Below(100);
        var precision = year < 1980
            ? roll switch { < 35 => DatePrecision.Year, < 40 => DatePrecision.Month, < 88 => DatePrecision.Day, _ => DatePrecision.Timestamp }
            : roll switch { < 7 => DatePrecision.Year, < 11 => DatePrecision.Month, < 80 => DatePrecision.Day, _ => DatePrecision.Timestamp };
        var month = rng.Between(1, 12);
        var day = rng.Between(1, DateTime.DaysInMonth(year, month));
        var second = rng.Chance(0.6) ? 0 : rng.Below(24) * 3600;
        return new ReleaseDate(year, month, day, precision, second);
    }

    /// <summary>The same date in another year, 1 to 5 years away, so that the row moves gold partition.</summary>
    public ReleaseDate MoveYear(ref SplitMix64 rng)
    {
        var delta = rng.Between(1, 5);
        var year = Year + delta <= LastYear && (rng.Chance(0.5) || Year - delta < FirstYear) ? Year + delta : Year - delta;
        return this with { Year = year, Day = Math.Min(Day, DateTime.DaysInMonth(year, Month)) };
    }

    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        return Precision switch
        {
            DatePrecision.Year => Year.ToString("D4", c),
            DatePrecision.Month => string.Create(c, $"{Year:D4}-{Month:D2}"),
            DatePrecision.Day => string.Create(c, $"{Year:D4}-{Month:D2}-{Day:D2}"),
            _ => string.Create(c, $"{Year:D4}-{Month:D2}-{Day:D2} {SecondOfDay / 3600:D2}:{SecondOfDay / 60 % 60:D2}:{SecondOfDay % 60:D2} UTC"),
        };
    }
}
