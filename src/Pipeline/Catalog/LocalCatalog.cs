using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.DuckDb;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.Catalog;

/// <summary>
/// The catalog of the local backend, the counterpart of the Glue crawler: after each commit it asks DuckDB for
/// the schema of each table's committed files and records it in <c>_pipeline/catalog.json</c>, with partitions,
/// counts and a history of schema versions. A schema that differs from the last version becomes a new version.
/// </summary>
public sealed partial class LocalCatalog(
    LakeStores stores,
    IOptions<DuckDbOptions> options,
    TimeProvider time,
    ILogger<LocalCatalog> logger) : ICatalog
{
    public const string CatalogKey = "_pipeline/catalog.json";

    private readonly LocalObjectStore _lake = stores.Lake as LocalObjectStore
        ?? throw new InvalidOperationException("The local catalog needs the local lake (Pipeline:Backend=local)");

    /// <summary>The catalog as last refreshed, or null before the first refresh (for <c>status</c>).</summary>
    public static async Task<CatalogDocument?> ReadAsync(IObjectStore lake, CancellationToken cancellationToken) =>
        (await lake.TryReadJsonAsync<CatalogDocument>(CatalogKey, cancellationToken).ConfigureAwait(false)).Value;

    public async Task<CatalogRefresh> RefreshAsync(ManifestState state, CancellationToken cancellationToken)
    {
        var previous = await ReadPreviousAsync(cancellationToken).ConfigureAwait(false);
        var tables = new List<CatalogTable>();
        var changes = new List<SchemaChange>();
        using (var scratch = DuckDbScratch.Open(options.Value, _lake, "catalog"))
        {
            foreach (var table in LakeTable.All)
            {
                var files = state.FilesOf(table.Name).ToList();
                var columns = await DescribeAsync(scratch.Session, table, files, cancellationToken).ConfigureAwait(false);
                var (entry, change) = Record(table, files, columns, previous?.Tables.FirstOrDefault(t => t.Name == table.Name), state.Seq);
                tables.Add(entry);
                if (change is not null) changes.Add(change);
            }
        }
        await stores.Lake.PutJsonAsync(CatalogKey, new CatalogDocument(state.Seq, time.GetUtcNow(), tables), cancellationToken).ConfigureAwait(false);
        LogRefreshed(state.Seq, tables.Count, changes.Count);
        return new CatalogRefresh([.. tables.Select(t => t.Name)], changes);
    }

    private async Task<CatalogDocument?> ReadPreviousAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ReadAsync(stores.Lake, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            // The catalog is derived data: a damaged one is rebuilt from the files, at the cost of its history.
            LogUnreadable(e.Message);
            return null;
        }
    }

    private async Task<IReadOnlyList<TableColumn>> DescribeAsync(DuckDbSession session, LakeTable table, IReadOnlyList<DataFile> files, CancellationToken cancellationToken)
    {
        var sql = LakeTableSql.Select(table, [.. files.Select(f => _lake.PathOf(f.Key))]);
        var described = await session.QueryAsync("DESCRIBE " + sql, cancellationToken).ConfigureAwait(false);
        return [.. described.Rows.Select(r => new TableColumn((string)r[0]!, (string)r[1]!))];
    }

    private (CatalogTable Table, SchemaChange? Change) Record(LakeTable table, IReadOnlyList<DataFile> files, IReadOnlyList<TableColumn> columns, CatalogTable? previous, long seq)
    {
        var history = previous?.SchemaHistory ?? [];
        SchemaChange? change = null;
        var last = history.LastOrDefault();
        if (last is null)
        {
            history = [new TableSchemaVersion(1, seq, columns)];
        }
        else
        {
            var diff = SchemaDiff.Between(last.Columns, columns);
            if (!diff.IsEmpty)
            {
                var version = last.Version + 1;
                history = [.. history, new TableSchemaVersion(version, seq, columns)];
                change = new SchemaChange(table.Name, version, [.. diff.Added.Select(c => c.Name)], [.. diff.Changed.Select(c => c.New.Name)], [.. diff.Removed.Select(c => c.Name)]);
                LogSchemaChanged(table.Name, version, seq,
                    string.Join(", ", diff.Added.Select(c => $"{c.Name} {c.Type}")),
                    string.Join(", ", diff.Changed.Select(c => $"{c.New.Name} {c.Old.Type} -> {c.New.Type}")),
                    string.Join(", ", diff.Removed.Select(c => $"{c.Name} {c.Type}")));
            }
        }
        var entry = new CatalogTable(
            table.Name,
            table.Location,
            LakeTable.Format,
            columns,
            table.PartitionKeys,
            PartitionValues(table, files),
            files.Sum(f => f.Rows),
            files.Count,
            history[^1].Version,
            history);
        return (entry, change);
    }

    // Read from the keys' key=value folders, as a crawler would, so the catalog states what the files say.
    private static IReadOnlyList<string> PartitionValues(LakeTable table, IReadOnlyList<DataFile> files)
    {
        if (table.PartitionKeys.Count == 0) return [];
        var prefix = table.PartitionKeys[0] + "=";
        return [.. files
            .SelectMany(f => f.Key.Split('/').Where(s => s.StartsWith(prefix, StringComparison.Ordinal)).Select(s => s[prefix.Length..]))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schema of {Table} changed at seq {Seq}: now version {Version}; added [{Added}], changed [{Changed}], removed [{Removed}]")]
    private partial void LogSchemaChanged(string table, int version, long seq, string added, string changed, string removed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The catalog could not be read and is rebuilt without its schema history: {Reason}")]
    private partial void LogUnreadable(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Catalog refreshed at seq {Seq}: {Tables} tables, {Changes} schema changes")]
    private partial void LogRefreshed(long seq, int tables, int changes);
}
