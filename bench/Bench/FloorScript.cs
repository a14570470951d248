using System.Globalization;
using DuckDB.NET.Data;

namespace SpotifyWorker.Bench;

/// <summary>
/// The child process that runs a floor script (bench/floor.sql, bench/floor_drop.sql) through DuckDB.NET (there is
/// no duckdb CLI here), so that a floor is timed and its peak RSS measured exactly like a worker run.
/// Usage: floor &lt;script.sql&gt; &lt;memory limit&gt; &lt;threads&gt; &lt;temp folder&gt; [name=value]...
/// where {{name}} in the script becomes the value as a SQL string literal, or, for csv:&lt;folder&gt;, the list of
/// every CSV under that folder in key order.
/// </summary>
internal static class FloorScript
{
    private const string Usage = "usage: floor <script.sql> <memory limit> <threads> <temp folder> [name=value | name=csv:<folder>]...";

    public static int Run(string[] args)
    {
        if (args.Length < 4 || args[4..].Any(a => !a.Contains('=', StringComparison.Ordinal)))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        var values = new Dictionary<string, string>
        {
            ["memory_limit"] = Literal(args[1]),
            ["threads"] = int.Parse(args[2], CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
            ["temp"] = Literal(args[3]),
        };
        foreach (var pair in args[4..])
        {
            var (name, value) = (pair[..pair.IndexOf('=', StringComparison.Ordinal)], pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            values[name] = value.StartsWith("csv:", StringComparison.Ordinal) ? Files(value[4..]) : Literal(value);
        }
        var sql = Render(File.ReadAllText(args[0]), values);
        var missing = System.Text.RegularExpressions.Regex.Match(sql, @"\{\{[a-z_]+\}\}");
        if (missing.Success)
        {
            Console.Error.WriteLine($"{args[0]} needs a value for {missing.Value}. {Usage}");
            return 2;
        }
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
        return 0;
    }

    public static string Render(string template, IReadOnlyDictionary<string, string> values)
    {
        foreach (var (name, value) in values) template = template.Replace("{{" + name + "}}", value, StringComparison.Ordinal);
        return template;
    }

    /// <summary>Every CSV under a folder, as a DuckDB list literal in key order.</summary>
    private static string Files(string folder) =>
        "[" + string.Join(", ", Directory.GetFiles(folder, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(Literal)) + "]";

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
