namespace SpotifyWorker.Pipeline.Reporting.Charts;

/// <summary>
/// Maps a value domain onto pixels, with the domain widened to "nice" tick values (1, 2, 2.5, 5 times a power of
/// ten) so that gridlines fall on numbers a person would choose.
/// </summary>
public sealed class LinearScale
{
    private LinearScale(double min, double max, double step, double from, double to)
    {
        Min = min;
        Max = max;
        Step = step;
        From = from;
        To = to;
    }

    public double Min { get; }
    public double Max { get; }
    public double Step { get; }

    /// <summary>Pixel of <see cref="Min"/>.</summary>
    public double From { get; }

    /// <summary>Pixel of <see cref="Max"/>.</summary>
    public double To { get; }

    /// <summary>A scale over <paramref name="low"/>..<paramref name="high"/> rounded out to about <paramref name="ticks"/> nice steps.</summary>
    /// <param name="unit">Steps are nice multiples of this (60 puts a duration axis in seconds on whole minutes).</param>
    /// <param name="resolution">
    /// The smallest difference the axis labels show (1 for counts): steps are whole multiples of it, so that three
    /// rejected rows get the ticks 0, 1, 2, 3 and never 0, 0.5, 1 labelled "0, 1, 1".
    /// </param>
    public static LinearScale Nice(double low, double high, double from, double to, int ticks = 5, double unit = 1, double resolution = 0)
    {
        if (!double.IsFinite(low) || !double.IsFinite(high)) (low, high) = (0, 1);
        if (high < low) (low, high) = (high, low);
        if (high == low) high = low + (low == 0 ? 1 : Math.Abs(low));
        var step = Resolved(NiceStep((high - low) / Math.Max(1, ticks) / unit) * unit, resolution);
        var min = Math.Floor(low / step) * step;
        var max = Math.Ceiling(high / step) * step;
        return new LinearScale(min, max, step, from, to);
    }

    /// <summary>A scale with a fixed domain (popularity 0..100, shares 0..1); ticks still on nice steps.</summary>
    public static LinearScale Fixed(double min, double max, double from, double to, int ticks = 5, double resolution = 0) =>
        new(min, max, Resolved(NiceStep((max - min) / Math.Max(1, ticks)), resolution), from, to);

    /// <summary>The step as a whole multiple of the resolution: 0.2 becomes 1 and 2.5 becomes 2 on a count axis.</summary>
    private static double Resolved(double step, double resolution) =>
        resolution <= 0 ? step : Math.Max(1, Math.Floor(Math.Round(step / resolution, 9))) * resolution;

    public double Map(double value) => From + (value - Min) / (Max - Min) * (To - From);

    public IEnumerable<double> Ticks()
    {
        // Counted in steps, not accumulated, so 0.1 + 0.2 never leaves a 0.30000000000000004 label.
        var count = (int)Math.Round((Max - Min) / Step);
        for (var i = 0; i <= count; i++) yield return Math.Round(Min + i * Step, 10);
    }

    public static double NiceStep(double rough)
    {
        if (rough <= 0 || !double.IsFinite(rough)) return 1;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var fraction = rough / magnitude;
        var nice = fraction switch
        {
            <= 1 => 1,
            <= 2 => 2,
            <= 2.5 => 2.5,
            <= 5 => 5,
            _ => 10,
        };
        return nice * magnitude;
    }
}
