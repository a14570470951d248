using System.Text;

namespace SpotifyWorker.Pipeline.Generation;

/// <summary>
/// Renders a list of strings the way Python's repr() does, because the Kaggle columns artist_genres and
/// artists are Python list literals: <c>['dance pop', 'pop']</c>, and <c>["Guns N' Roses"]</c> when an
/// item contains an apostrophe but no double quote.
/// </summary>
internal static class PythonList
{
    public static string Format(IReadOnlyList<string> items)
    {
        if (items.Count == 0) return "[]";
        var builder = new StringBuilder(2 + items.Count * 16).Append('[');
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0) builder.Append(", ");
            AppendRepr(builder, items[i]);
        }
        return builder.Append(']').ToString();
    }

    private static void AppendRepr(StringBuilder builder, string item)
    {
        var quote = item.Contains('\'', StringComparison.Ordinal) && !item.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        builder.Append(quote);
        foreach (var c in item)
        {
            switch (c)
            {
                case '\\': builder.Append(@"\\"); break;
                case '\n': builder.Append(@"\n"); break;
                case '\r': builder.Append(@"\r"); break;
                case '\t': builder.Append(@"\t"); break;
                default:
                    if (c == quote) builder.Append('\\');
                    builder.Append(c);
                    break;
            }
        }
        builder.Append(quote);
    }
}
