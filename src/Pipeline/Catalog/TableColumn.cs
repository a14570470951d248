namespace SpotifyWorker.Pipeline.Catalog;

/// <summary>A column of a lake table, with its type as DuckDB names it (VARCHAR, INTEGER, VARCHAR[], ...).</summary>
public sealed record TableColumn(string Name, string Type);
