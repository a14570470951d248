using System.Globalization;

namespace SpotifyWorker.Bench;

/// <summary>Repeated measurements of one quantity: median and spread (min..max).</summary>
internal sealed class Series(IEnumerable<double> values)
{
    private readonly double[] _sorted = [.. values.Order()];

    public int Count => _sorted.Length;

    public double Median => _sorted.Length == 0 ? double.NaN
        : _sorted.Length % 2 == 1 ? _sorted[_sorted.Length / 2]
        : (_sorted[(_sorted.Length / 2) - 1] + _sorted[_sorted.Length / 2]) / 2;

    public double Min => _sorted.Length == 0 ? double.NaN : _sorted[0];

    public double Max => _sorted.Length == 0 ? double.NaN : _sorted[^1];

    public string Describe(string format, string unit = "") =>
        string.Create(CultureInfo.InvariantCulture, $"{Median.ToString(format, CultureInfo.InvariantCulture)}{unit}");

    public string Spread(string format, string unit = "") =>
        string.Create(CultureInfo.InvariantCulture, $"{Min.ToString(format, CultureInfo.InvariantCulture)} – {Max.ToString(format, CultureInfo.InvariantCulture)}{unit}");
}
