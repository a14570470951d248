using SpotifyWorker.Pipeline.DuckDb;

namespace SpotifyWorker.Pipeline.Catalog;

/// <summary>How DuckDB reads a lake table: the catalog describes this relation and the query engine's views select it.</summary>
public static class LakeTableSql
{
    /// <summary>
    /// A SELECT over exactly the given files (the committed ones: never a glob, since uncommitted and superseded
    /// files share the folders). With no files it is an empty relation of the declared columns.
    /// </summary>
    public static string Select(LakeTable table, IReadOnlyList<string> paths)
    {
        if (paths.Count == 0)
        {
            return $"SELECT {string.Join(", ", table.Columns.Select(c => $"CAST(NULL AS {c.Type}) AS {c.Name}"))} WHERE false";
        }
        // DuckDB auto-detects key=value folders, which would turn silver's batch=<seq> into a column; only
        // declared partition keys are read from paths. union_by_name keeps files of older schemas readable.
        var hive = table.PartitionKeys.Count == 0
            ? "hive_partitioning = false"
            : $"hive_partitioning = true, hive_types = {{ {string.Join(", ", table.PartitionKeys.Select(k => $"{DuckDbSession.Literal(k)}: {TypeOf(table, k)}"))} }}";
        return $"SELECT * FROM read_parquet({DuckDbSession.List(paths)}, {hive}, union_by_name = true)";
    }

    private static string TypeOf(LakeTable table, string column) => table.Columns.Single(c => c.Name == column).Type;
}
