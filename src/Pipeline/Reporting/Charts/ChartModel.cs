namespace SpotifyWorker.Pipeline.Reporting.Charts;

/// <summary>A position on a category axis (a year, a run). <see cref="Key"/> is the view's key value, written to data-key.</summary>
/// <param name="Note">An extra line for the tooltip (e.g. "109 albums").</param>
public sealed record Category(string Key, string Label, string? Note = null);

public enum SeriesKind
{
    /// <summary>Bars from the axis up; several column series stack in their order.</summary>
    Column,

    /// <summary>A line with a point per value; a missing value breaks the line.</summary>
    Line,

    /// <summary>A shaded range from <see cref="Series.Values"/> (low) to <see cref="Series.High"/>; context, not marks.</summary>
    Band,
}

/// <summary>One measure across the categories of a chart; <see cref="Column"/> names the view column it comes from.</summary>
/// <param name="Color">Index into the report palette (CSS classes c0..c4).</param>
public sealed record Series(
    string Name,
    string Column,
    SeriesKind Kind,
    IReadOnlyList<double?> Values,
    ValueFormat Format,
    int Color,
    bool RightAxis = false,
    IReadOnlyList<double?>? High = null);

/// <summary>A value axis: its title says the unit; a null bound follows the data.</summary>
public sealed record Axis(string Title, ValueFormat Format, double? Min = 0, double? Max = null)
{
    /// <summary>The scale of this axis over <paramref name="values"/>: fixed where both bounds are given, nice otherwise.</summary>
    public LinearScale Scale(IEnumerable<double> values, double from, double to)
    {
        if (Min is { } min && Max is { } max) return LinearScale.Fixed(min, max, from, to, resolution: Format.Resolution());
        var list = values.Where(double.IsFinite).ToList();
        var low = Min ?? (list.Count == 0 ? 0 : list.Min());
        var high = Max ?? (list.Count == 0 ? 1 : list.Max());
        return LinearScale.Nice(low, high, from, to, unit: Format == ValueFormat.Duration ? 60 : 1, resolution: Format.Resolution());
    }
}

/// <summary>Columns, lines and bands over one category axis, with a left and an optional right value axis.</summary>
public sealed record CategoryChart(
    string Id,
    string Label,
    IReadOnlyList<Category> Categories,
    string XTitle,
    Axis Left,
    Axis? Right,
    IReadOnlyList<Series> Series,
    int Width = 960,
    int Height = 340);

/// <summary>One bar of a horizontal bar chart.</summary>
/// <param name="Note">An extra line for the tooltip.</param>
public sealed record Bar(string Key, string Label, double Value, string? Note = null);

/// <summary>Horizontal bars, one per category, labelled on the left: for ranked lists with long names.</summary>
public sealed record BarChart(
    string Id,
    string Label,
    string Column,
    string SeriesName,
    IReadOnlyList<Bar> Bars,
    Axis Axis,
    int Color = 0,
    int Width = 560,
    int LabelWidth = 170);
