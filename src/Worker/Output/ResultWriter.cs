using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace SpotifyWorker.Worker.Output;

/// <summary>Writes rows as a console table, RFC 4180 CSV with a header line, or a JSON array of objects.</summary>
public static class ResultWriter
{
    public static void Write(IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows, string format, TextWriter output)
    {
        switch (format)
        {
            case "csv":
                output.WriteLine(string.Join(',', columns.Select(Csv)));
                foreach (var row in rows) output.WriteLine(string.Join(',', row.Select(v => Csv(Text(v)))));
                break;
            case "json":
                using (var stream = new MemoryStream())
                {
                    using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                    {
                        json.WriteStartArray();
                        foreach (var row in rows)
                        {
                            json.WriteStartObject();
                            for (var i = 0; i < columns.Count; i++)
                            {
                                json.WritePropertyName(columns[i]);
                                WriteJson(json, row[i]);
                            }
                            json.WriteEndObject();
                        }
                        json.WriteEndArray();
                    }
                    output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
                }
                break;
            default:
                var table = new Table().Border(TableBorder.Rounded);
                foreach (var column in columns) table.AddColumn(new TableColumn(Markup.Escape(column)));
                foreach (var row in rows) table.AddRow(row.Select(v => Markup.Escape(Text(v))).ToArray());
                Console(output).Write(table);
                output.WriteLine($"({rows.Count} row{(rows.Count == 1 ? "" : "s")})");
                break;
        }
    }

    /// <summary>A Spectre console over a writer: colours and width only when it is a terminal.</summary>
    public static IAnsiConsole Console(TextWriter output) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(output),
        Ansi = output == System.Console.Out && !System.Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = ColorSystemSupport.Detect,
    });

    public static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        double d => d.ToString("0.####", CultureInfo.InvariantCulture),
        float f => f.ToString("0.####", CultureInfo.InvariantCulture),
        decimal m => m.ToString("0.####", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        System.Collections.IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Text)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Csv(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private static void WriteJson(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case bool b: json.WriteBooleanValue(b); break;
            case int or long or short or byte or sbyte or uint or ulong or ushort:
                json.WriteNumberValue(Convert.ToDecimal(value, CultureInfo.InvariantCulture)); break;
            case System.Numerics.BigInteger big: json.WriteRawValue(big.ToString(CultureInfo.InvariantCulture)); break;
            case double d when double.IsFinite(d): json.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): json.WriteNumberValue(f); break;
            case decimal m: json.WriteNumberValue(m); break;
            case string s: json.WriteStringValue(s); break;
            case System.Collections.IEnumerable list:
                json.WriteStartArray();
                foreach (var item in list) WriteJson(json, item);
                json.WriteEndArray();
                break;
            default: json.WriteStringValue(Text(value)); break;
        }
    }
}
