namespace SpotifyWorker.Pipeline.Catalog;

/// <summary>One table in the local catalog, in the manner of a Glue Data Catalog table.</summary>
/// <param name="Location">Key prefix of the table's files in the lake.</param>
/// <param name="PartitionValues">Values of the (single) partition key that have committed files, e.g. release years.</param>
/// <param name="SchemaVersion">The current version; the last entry of <paramref name="SchemaHistory"/>.</param>
public sealed record CatalogTable(
    string Name,
    string Location,
    string Format,
    IReadOnlyList<TableColumn> Columns,
    IReadOnlyList<string> PartitionKeys,
    IReadOnlyList<string> PartitionValues,
    long RowCount,
    int FileCount,
    int SchemaVersion,
    IReadOnlyList<TableSchemaVersion> SchemaHistory);
