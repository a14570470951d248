using System.Globalization;

namespace SpotifyWorker.Pipeline.Reporting.Charts;

/// <summary>How a measure reads to a person; the data attributes keep the exact value whatever the format.</summary>
public enum ValueFormat
{
    /// <summary>Whole numbers with thousands separators: 12,345.</summary>
    Integer,

    /// <summary>Large counts shortened: 9.99M, 850k.</summary>
    Compact,

    /// <summary>One decimal: 44.1.</summary>
    Decimal,

    /// <summary>A share 0..1 as a percentage: 12.3%.</summary>
    Percent,

    /// <summary>Seconds as minutes and seconds: 3:40.</summary>
    Duration,
}

public static class ValueFormats
{
    public static string Format(this ValueFormat format, double value) => format switch
    {
        ValueFormat.Integer => Math.Round(value).ToString("#,0", CultureInfo.InvariantCulture),
        ValueFormat.Compact => Compact(value),
        ValueFormat.Decimal => value.ToString("0.0", CultureInfo.InvariantCulture),
        ValueFormat.Percent => (value * 100).ToString(value is > 0 and < 0.1 ? "0.0" : "0.#", CultureInfo.InvariantCulture) + "%",
        ValueFormat.Duration => Duration(value),
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The smallest difference the format shows (at the small end of its range): an axis never steps finer.</summary>
    public static double Resolution(this ValueFormat format) => format switch
    {
        ValueFormat.Decimal => 0.1,
        ValueFormat.Percent => 0.001,
        _ => 1,
    };

    public static string Format(this ValueFormat format, double? value) => value is { } v ? format.Format(v) : "–";

    private static string Compact(double value)
    {
        var abs = Math.Abs(value);
        return abs switch
        {
            >= 1e9 => (value / 1e9).ToString("0.##", CultureInfo.InvariantCulture) + "B",
            >= 1e6 => (value / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
            // Below 100k a tenth of a thousand still shows, so that an axis step of 2,500 reads 12.5k, not 13k.
            >= 1e5 => (value / 1e3).ToString("0", CultureInfo.InvariantCulture) + "k",
            >= 1e3 => (value / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k",
            _ => Math.Round(value).ToString("0", CultureInfo.InvariantCulture),
        };
    }

    private static string Duration(double seconds)
    {
        var whole = (long)Math.Round(seconds);
        return string.Create(CultureInfo.InvariantCulture, $"{whole / 60}:{whole % 60:00}");
    }
}
