namespace SpotifyWorker.Pipeline.Catalog;

/// <summary>
/// How two schemas of a table differ, column by name. Order does not count: the views read files by column
/// name, so a reordered file is the same schema and must not bump the version.
/// </summary>
public sealed record SchemaDiff(IReadOnlyList<TableColumn> Added, IReadOnlyList<(TableColumn Old, TableColumn New)> Changed, IReadOnlyList<TableColumn> Removed)
{
    public bool IsEmpty => Added.Count == 0 && Changed.Count == 0 && Removed.Count == 0;

    public static SchemaDiff Between(IReadOnlyList<TableColumn> before, IReadOnlyList<TableColumn> after)
    {
        var old = before.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var current = after.ToDictionary(c => c.Name, StringComparer.Ordinal);
        return new SchemaDiff(
            [.. after.Where(c => !old.ContainsKey(c.Name))],
            [.. after.Where(c => old.TryGetValue(c.Name, out var o) && o.Type != c.Type).Select(c => (old[c.Name], c))],
            [.. before.Where(c => !current.ContainsKey(c.Name))]);
    }
}
