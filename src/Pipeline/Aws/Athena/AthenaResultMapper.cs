using System.Globalization;
using SpotifyWorker.Pipeline.DuckDb;

namespace SpotifyWorker.Pipeline.Aws.Athena;

/// <summary>
/// Athena returns every value as text with the column's Athena type beside it; this turns them into the .NET values
/// (and DuckDB-style type names) the local engine returns, so the CLI prints both backends alike. Arrays, maps and
/// rows stay text as Athena renders them.
/// </summary>
public static class AthenaResultMapper
{
    public static QueryColumn Column(ColumnInfo column) => new(column.Name, TypeName(column.Type));

    public static object? Value(string? text, string? athenaType)
    {
        if (text is null) return null;
        var type = Base(athenaType);
        return type switch
        {
            "boolean" => bool.Parse(text),
            "tinyint" or "smallint" or "integer" or "int" => int.Parse(text, CultureInfo.InvariantCulture),
            "bigint" => long.Parse(text, CultureInfo.InvariantCulture),
            "double" or "float" or "real" => double.Parse(text, CultureInfo.InvariantCulture),
            "decimal" => decimal.Parse(text, CultureInfo.InvariantCulture),
            "date" => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            "timestamp" => DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            _ => text,
        };
    }

    private static string TypeName(string? athenaType) => Base(athenaType) switch
    {
        "boolean" => "BOOLEAN",
        "tinyint" or "smallint" or "integer" or "int" => "INTEGER",
        "bigint" => "BIGINT",
        "double" or "float" or "real" => "DOUBLE",
        "decimal" => "DECIMAL",
        "date" => "DATE",
        "timestamp" => "TIMESTAMP",
        "varchar" or "char" or "string" => "VARCHAR",
        var other => other.ToUpperInvariant(),
    };

    // "decimal(10,2)" -> "decimal", "varchar(20)" -> "varchar"
    private static string Base(string? athenaType)
    {
        var type = (athenaType ?? "varchar").Trim().ToLowerInvariant();
        var paren = type.IndexOf('(', StringComparison.Ordinal);
        return paren >= 0 ? type[..paren] : type;
    }
}
