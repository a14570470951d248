using System.Text;

namespace SpotifyWorker.Pipeline.Reporting;

/// <summary>Data tables: the numbers behind a chart, as the source returned them, numbers right-aligned.</summary>
public static class TableHtml
{
    public static string Render(ViewTable table, string? cssClass = null, Func<string, string, string>? cell = null)
    {
        var html = new StringBuilder();
        html.Append(cssClass is null ? "<table>" : $"<table class=\"{cssClass}\">");
        // A column is numeric when every value in it is a number; its header aligns right with its cells.
        var numeric = table.Columns.ToDictionary(c => c, c => Enumerable.Range(0, table.Count).All(i => IsNumber(table.Value(i, c))), StringComparer.OrdinalIgnoreCase);
        html.Append("<thead><tr>");
        foreach (var column in table.Columns) html.Append(numeric[column] ? "<th scope=\"col\" class=\"num\">" : "<th scope=\"col\">").Append(Html.Text(column)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        for (var i = 0; i < table.Count; i++)
        {
            html.Append("<tr>");
            foreach (var column in table.Columns)
            {
                var text = table.Text(i, column);
                html.Append(numeric[column] ? "<td class=\"num\">" : "<td>")
                    .Append(cell?.Invoke(column, text) ?? Html.Text(text))
                    .Append("</td>");
            }
            html.Append("</tr>");
        }
        return html.Append("</tbody></table>").ToString();
    }

    private static bool IsNumber(object? value) => value is null || (value is not string && ViewTable.ToNumber(value) is not null);
}
