namespace SpotifyWorker.Pipeline.Catalog;

/// <summary>The local catalog (<c>_pipeline/catalog.json</c>): every table as of commit <see cref="Seq"/>.</summary>
public sealed record CatalogDocument(long Seq, DateTimeOffset RefreshedAt, IReadOnlyList<CatalogTable> Tables);
