using System.Globalization;
using System.Numerics;
using SpotifyWorker.Pipeline.Query;

namespace SpotifyWorker.Pipeline.Reporting;

/// <summary>
/// A query result read by column name. Values are converted leniently because each engine types them its own way:
/// DuckDB gives long, int, double or BigInteger; Athena's result rows are text.
/// </summary>
public sealed class ViewTable
{
    private readonly Dictionary<string, int> _index;

    public ViewTable(IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows)
    {
        Columns = columns;
        Rows = rows;
        _index = columns.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.OrdinalIgnoreCase);
    }

    public static ViewTable From(QueryResult result) => new([.. result.Columns.Select(c => c.Name)], result.Rows);

    public IReadOnlyList<string> Columns { get; }
    public IReadOnlyList<object?[]> Rows { get; }
    public int Count => Rows.Count;

    public object? Value(int row, string column) =>
        _index.TryGetValue(column, out var i) ? Rows[row][i] : throw new KeyNotFoundException($"The result has no column {column} (it has {string.Join(", ", Columns)})");

    public double? Number(int row, string column) => ToNumber(Value(row, column));

    public string Text(int row, string column) => ToText(Value(row, column));

    public static double? ToNumber(object? value) => value switch
    {
        null => null,
        double d => d,
        float f => f,
        decimal m => (double)m,
        BigInteger b => (double)b,
        string s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : null,
        IConvertible c => c.ToDouble(CultureInfo.InvariantCulture),
        _ => null,
    };

    public static string ToText(object? value) => value switch
    {
        null => "",
        string s => s,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
