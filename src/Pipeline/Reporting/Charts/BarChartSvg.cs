using System.Globalization;

namespace SpotifyWorker.Pipeline.Reporting.Charts;

/// <summary>
/// Draws a <see cref="BarChart"/>: one labelled row per bar, value gridlines with a titled axis underneath, and the
/// formatted value at the end of each bar. Long labels are shortened on whole characters (never splitting an
/// emoji); the full label is in the tooltip.
/// </summary>
public static class BarChartSvg
{
    private const double Row = 24;
    private const double Top = 12;
    private const double Bottom = 46;

    public static RenderedChart Render(BarChart chart)
    {
        var height = (int)Math.Ceiling(Top + Math.Max(1, chart.Bars.Count) * Row + Bottom);
        var svg = new SvgWriter(chart.Id, chart.Label, chart.Width, height);
        var (x0, x1, y0, y1) = (chart.LabelWidth + 10.0, chart.Width - 58.0, Top, height - Bottom);
        var scale = chart.Axis.Scale(chart.Bars.Select(b => b.Value), x0, x1);

        foreach (var tick in scale.Ticks())
        {
            var x = scale.Map(tick);
            svg.Line(x, y0, x, y1, tick == scale.Min ? "axis" : "grid");
            svg.Text(x, y1 + 16, chart.Axis.Format.Format(tick), "tick", "middle");
        }
        svg.Text((x0 + x1) / 2, height - 8, chart.Axis.Title, "axis-title", "middle");

        var maxChars = (int)(chart.LabelWidth / 6.8);
        for (var i = 0; i < chart.Bars.Count; i++)
        {
            var bar = chart.Bars[i];
            var top = y0 + i * Row + 4;
            var tooltip = $"{bar.Label}\n{chart.SeriesName}: {chart.Axis.Format.Format(bar.Value)}" + (bar.Note is null ? "" : "\n" + bar.Note);
            svg.Text(x0 - 8, top + (Row - 8) / 2 + 4, Shorten(bar.Label, maxChars), "bar-label", "end", title: bar.Label);
            var end = scale.Map(bar.Value);
            svg.BarMark(x0, top, end - x0, Row - 8, chart.Color, new Mark(chart.Column, bar.Key, bar.Value, tooltip));
            svg.Text(end + 5, top + (Row - 8) / 2 + 4, chart.Axis.Format.Format(bar.Value), "value", "start");
        }
        return new RenderedChart(svg.ToString(), svg.Marks);
    }

    /// <summary>At most <paramref name="max"/> text elements (user-perceived characters), with an ellipsis when cut.</summary>
    public static string Shorten(string label, int max)
    {
        var info = new StringInfo(label);
        return info.LengthInTextElements <= max ? label : info.SubstringByTextElements(0, Math.Max(1, max - 1)).TrimEnd() + "…";
    }
}
