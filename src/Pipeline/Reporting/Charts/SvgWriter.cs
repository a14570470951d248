using System.Globalization;
using System.Text;

namespace SpotifyWorker.Pipeline.Reporting.Charts;

/// <summary>
/// Writes one inline SVG: a responsive viewBox (the page scales it to the column width), numbers in invariant
/// culture, every text escaped. Styling is left to the page's CSS classes so charts share one palette.
/// </summary>
internal sealed class SvgWriter
{
    private readonly StringBuilder _svg = new();

    public SvgWriter(string id, string label, int width, int height)
    {
        Width = width;
        Height = height;
        _svg.Append(CultureInfo.InvariantCulture,
            $"<svg id=\"{Html.Text(id)}\" class=\"chart\" viewBox=\"0 0 {width} {height}\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-label=\"{Html.Text(label)}\" xmlns=\"http://www.w3.org/2000/svg\">");
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Marks written so far: the elements carrying data-value.</summary>
    public int Marks { get; private set; }

    public void Line(double x1, double y1, double x2, double y2, string cssClass) =>
        _svg.Append($"<line class=\"{cssClass}\" x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\"/>");

    public void Text(double x, double y, string text, string cssClass, string anchor = "start", double rotate = 0, string? title = null)
    {
        var transform = rotate == 0 ? "" : $" transform=\"rotate({N(rotate)} {N(x)} {N(y)})\"";
        var tooltip = title is null ? "" : $"<title>{Html.Text(title)}</title>";
        _svg.Append($"<text class=\"{cssClass}\" x=\"{N(x)}\" y=\"{N(y)}\" text-anchor=\"{anchor}\"{transform}>{tooltip}{Html.Text(text)}</text>");
    }

    public void Rect(double x, double y, double width, double height, string cssClass) =>
        _svg.Append($"<rect class=\"{cssClass}\" x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(Math.Max(0, width))}\" height=\"{N(Math.Max(0, height))}\"/>");

    public void Path(string d, string cssClass, string? title = null)
    {
        var tooltip = title is null ? "" : $"<title>{Html.Text(title)}</title>";
        _svg.Append($"<path class=\"{cssClass}\" d=\"{d}\">{tooltip}</path>");
    }

    /// <summary>A bar mark: the exact value and key in data attributes, the tooltip as an SVG title.</summary>
    public void BarMark(double x, double y, double width, double height, int color, Mark mark) =>
        AppendMark($"<rect class=\"mark c{color}\" x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(Math.Max(0, width))}\" height=\"{N(Math.Max(0, height))}\"", mark, "rect");

    /// <summary>A point mark of a line series.</summary>
    public void PointMark(double cx, double cy, double r, int color, Mark mark) =>
        AppendMark($"<circle class=\"mark point c{color}\" cx=\"{N(cx)}\" cy=\"{N(cy)}\" r=\"{N(r)}\"", mark, "circle");

    public void Raw(string markup) => _svg.Append(markup);

    public override string ToString() => _svg.ToString() + "</svg>";

    public static string N(double value) => Html.Number(value);

    private void AppendMark(string start, Mark mark, string element)
    {
        Marks++;
        _svg.Append(start)
            .Append($" data-series=\"{Html.Text(mark.Series)}\" data-key=\"{Html.Text(mark.Key)}\" data-value=\"{Html.Exact(mark.Value)}\">")
            .Append($"<title>{Html.Text(mark.Tooltip)}</title></{element}>");
    }
}

/// <summary>What a mark says about itself: the view column, the row key, the exact value and the tooltip.</summary>
internal readonly record struct Mark(string Series, string Key, double Value, string Tooltip);
