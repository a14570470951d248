using System.Globalization;
using DuckDB.NET.Data;

namespace SpotifyWorker.Bench;

/// <summary>
/// The child process that runs bench/floor.sql through DuckDB.NET (there is no duckdb CLI here), so that the
/// floor is timed and its peak RSS measured exactly like a worker run.
/// Usage: floor &lt;floor.sql&gt; &lt;raw folder&gt; &lt;out folder&gt; &lt;memory limit&gt; &lt;threads&gt; &lt;temp folder&gt;.
/// </summary>
internal static class FloorScript
{
    public static int Run(string[] args)
    {
        if (args.Length != 6)
        {
            Console.Error.WriteLine("usage: floor <floor.sql> <raw folder> <out folder> <memory limit> <threads> <temp folder>");
            return 2;
        }
        var (script, raw, output, memoryLimit, threads, temp) = (args[0], args[1], args[2], args[3], args[4], args[5]);
        var sql = Render(File.ReadAllText(script), new Dictionary<string, string>
        {
            ["memory_limit"] = Literal(memoryLimit),
            ["threads"] = int.Parse(threads, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
            ["temp"] = Literal(temp),
            ["albums"] = Files(raw, "albums"),
            ["artists"] = Files(raw, "artists"),
            ["tracks"] = Files(raw, "tracks"),
            ["out"] = Literal(output),
        });
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

    /// <summary>Every CSV of one entity under the raw folder, as a DuckDB list literal.</summary>
    private static string Files(string raw, string entity) =>
        "[" + string.Join(", ", Directory.GetFiles(Path.Combine(raw, entity), "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(Literal)) + "]";

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
