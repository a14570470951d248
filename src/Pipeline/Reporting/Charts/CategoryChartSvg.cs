using System.Globalization;
using System.Text;

namespace SpotifyWorker.Pipeline.Reporting.Charts;

/// <summary>
/// Draws a <see cref="CategoryChart"/>: gridlines on the left axis, stacked columns, shaded bands and lines with a
/// point per value, a legend, and axis titles that carry the units. Every column and point is a mark with its exact
/// value and a tooltip listing all series of its category.
/// </summary>
public static class CategoryChartSvg
{
    private const double Top = 40;
    private const double Bottom = 50;
    private const double Left = 70;

    public static RenderedChart Render(CategoryChart chart)
    {
        var svg = new SvgWriter(chart.Id, chart.Label, chart.Width, chart.Height);
        var right = chart.Right is null ? 24.0 : 70.0;
        var (x0, x1, y0, y1) = (Left, chart.Width - right, Top, chart.Height - Bottom);
        var n = Math.Max(1, chart.Categories.Count);
        var band = (x1 - x0) / n;
        double Center(int i) => x0 + band * (i + 0.5);

        var leftScale = chart.Left.Scale(Extent(chart, rightAxis: false), y1, y0);
        var rightScale = chart.Right?.Scale(Extent(chart, rightAxis: true), y1, y0);
        LinearScale ScaleOf(Series s) => s.RightAxis && rightScale is not null ? rightScale : leftScale;

        foreach (var tick in leftScale.Ticks())
        {
            var y = leftScale.Map(tick);
            svg.Line(x0, y, x1, y, tick == leftScale.Min ? "axis" : "grid");
            svg.Text(x0 - 8, y + 4, chart.Left.Format.Format(tick), "tick", "end");
        }
        if (rightScale is not null)
        {
            foreach (var tick in rightScale.Ticks())
            {
                svg.Text(x1 + 8, rightScale.Map(tick) + 4, chart.Right!.Format.Format(tick), "tick", "start");
            }
        }
        XLabels(svg, chart.Categories, Center, band, y1);
        svg.Text(16, (y0 + y1) / 2, chart.Left.Title, "axis-title", "middle", -90);
        if (chart.Right is not null) svg.Text(chart.Width - 14, (y0 + y1) / 2, chart.Right.Title, "axis-title", "middle", 90);
        svg.Text((x0 + x1) / 2, chart.Height - 10, chart.XTitle, "axis-title", "middle");

        var tooltips = chart.Categories.Select((c, i) => Tooltip(chart, c, i)).ToList();
        foreach (var series in chart.Series.Where(s => s.Kind == SeriesKind.Band)) DrawBand(svg, series, ScaleOf(series), Center);
        var stack = new double[chart.Categories.Count];
        foreach (var series in chart.Series.Where(s => s.Kind == SeriesKind.Column))
        {
            var scale = ScaleOf(series);
            for (var i = 0; i < chart.Categories.Count; i++)
            {
                if (series.Values[i] is not { } value) continue;
                // Capped so that a chart of two or three categories still reads as bars, not as a filled area.
                var width = Math.Clamp(band * 0.72, 1, 56);
                var top = scale.Map(stack[i] + value);
                svg.BarMark(Center(i) - width / 2, top, width, scale.Map(stack[i]) - top, series.Color, new Mark(series.Column, chart.Categories[i].Key, value, tooltips[i]));
                stack[i] += value;
            }
        }
        foreach (var series in chart.Series.Where(s => s.Kind == SeriesKind.Line)) DrawLine(svg, chart, series, ScaleOf(series), Center, tooltips);
        Legend(svg, chart.Series, x0, 18);
        return new RenderedChart(svg.ToString(), svg.Marks);
    }

    /// <summary>The values an axis must show: stacked column totals, line values, band lows and highs.</summary>
    private static IEnumerable<double> Extent(CategoryChart chart, bool rightAxis)
    {
        var series = chart.Series.Where(s => s.RightAxis == rightAxis).ToList();
        for (var i = 0; i < chart.Categories.Count; i++)
        {
            yield return series.Where(s => s.Kind == SeriesKind.Column).Sum(s => s.Values[i] ?? 0);
            foreach (var s in series.Where(s => s.Kind != SeriesKind.Column))
            {
                if (s.Values[i] is { } v) yield return v;
                if (s.High?[i] is { } h) yield return h;
            }
        }
    }

    /// <summary>
    /// Labels as many categories as fit (about 46 px each). Integer keys (years) are labelled on round multiples,
    /// so the axis reads 1960, 1970, ... rather than every seventh year.
    /// </summary>
    private static void XLabels(SvgWriter svg, IReadOnlyList<Category> categories, Func<int, double> center, double band, double y)
    {
        var need = (int)Math.Ceiling(46 / Math.Max(1, band));
        int[] steps = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000];
        var step = steps.FirstOrDefault(s => s >= need, need);
        var years = categories.All(c => int.TryParse(c.Key, NumberStyles.Integer, CultureInfo.InvariantCulture, out _));
        for (var i = 0; i < categories.Count; i++)
        {
            var labelled = years ? int.Parse(categories[i].Key, CultureInfo.InvariantCulture) % step == 0 : i % step == 0;
            if (!labelled) continue;
            svg.Line(center(i), y, center(i), y + 5, "axis");
            svg.Text(center(i), y + 18, categories[i].Label, "tick", "middle");
        }
    }

    private static void DrawBand(SvgWriter svg, Series series, LinearScale scale, Func<int, double> center)
    {
        var upper = new List<string>();
        var lower = new List<string>();
        for (var i = 0; i < series.Values.Count; i++)
        {
            if (series.Values[i] is not { } low || series.High?[i] is not { } high) continue;
            upper.Add($"{SvgWriter.N(center(i))},{SvgWriter.N(scale.Map(high))}");
            lower.Insert(0, $"{SvgWriter.N(center(i))},{SvgWriter.N(scale.Map(low))}");
        }
        if (upper.Count == 0) return;
        svg.Path("M" + string.Join(" L", upper.Concat(lower)) + " Z", $"band c{series.Color}", series.Name);
    }

    private static void DrawLine(SvgWriter svg, CategoryChart chart, Series series, LinearScale scale, Func<int, double> center, IReadOnlyList<string> tooltips)
    {
        var path = new StringBuilder();
        var penDown = false;
        for (var i = 0; i < series.Values.Count; i++)
        {
            if (series.Values[i] is not { } value)
            {
                penDown = false;
                continue;
            }
            path.Append(penDown ? " L" : " M").Append(SvgWriter.N(center(i))).Append(',').Append(SvgWriter.N(scale.Map(value)));
            penDown = true;
        }
        svg.Path(path.ToString().Trim(), $"line c{series.Color}");
        var radius = chart.Categories.Count > 60 ? 2.5 : 3.5;
        for (var i = 0; i < series.Values.Count; i++)
        {
            if (series.Values[i] is not { } value) continue;
            svg.PointMark(center(i), scale.Map(value), radius, series.Color, new Mark(series.Column, chart.Categories[i].Key, value, tooltips[i]));
        }
    }

    private static string Tooltip(CategoryChart chart, Category category, int i)
    {
        var lines = new List<string> { category.Label };
        foreach (var series in chart.Series)
        {
            lines.Add(series.Kind == SeriesKind.Band
                ? $"{series.Name}: {series.Format.Format(series.Values[i])} – {series.Format.Format(series.High?[i])}"
                : $"{series.Name}: {series.Format.Format(series.Values[i])}");
        }
        if (category.Note is not null) lines.Add(category.Note);
        return string.Join('\n', lines);
    }

    private static void Legend(SvgWriter svg, IReadOnlyList<Series> series, double x, double y)
    {
        foreach (var s in series)
        {
            if (s.Kind == SeriesKind.Line)
            {
                svg.Line(x, y - 4, x + 16, y - 4, $"line c{s.Color}");
                svg.Raw($"<circle class=\"point c{s.Color}\" cx=\"{SvgWriter.N(x + 8)}\" cy=\"{SvgWriter.N(y - 4)}\" r=\"3\"/>");
            }
            else
            {
                svg.Rect(x, y - 10, 14, 12, s.Kind == SeriesKind.Band ? $"band c{s.Color}" : $"swatch c{s.Color}");
            }
            var label = s.RightAxis ? s.Name + " (right axis)" : s.Name;
            svg.Text(x + 22, y, label, "legend");
            x += 22 + label.Length * 6.6 + 18;
        }
    }
}

/// <summary>An SVG chart and how many marks (data-carrying elements) it drew.</summary>
public sealed record RenderedChart(string Svg, int Marks);
