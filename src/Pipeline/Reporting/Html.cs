using System.Globalization;
using System.Text;

namespace SpotifyWorker.Pipeline.Reporting;

/// <summary>
/// Escaping for text and attribute values. Every string that comes from data (artist names hold quotes, &amp;,
/// &lt; and emoji) goes through <see cref="Text"/>; the page is UTF-8, so anything else is written as is.
/// </summary>
public static class Html
{
    public static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value.AsSpan().IndexOfAny("&<>\"'") < 0) return value;
        var builder = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }
        return builder.ToString();
    }

    /// <summary>"1 row", "71 rows": counts in sentences.</summary>
    public static string Count(long count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count:#,0} {noun}{(count == 1 ? "" : "s")}");

    /// <summary>A number for markup (coordinates, data attributes): invariant, round-trippable, no exponent for ordinary sizes.</summary>
    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>A data value for a <c>data-value</c> attribute: exact, so tests compare numbers and not pixels.</summary>
    public static string Exact(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
