using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Catalog;

/// <summary>
/// A table of the lake: where its files live, how they are partitioned, and the columns the transform writes.
/// The declared columns give a table without committed files its shape (an empty relation still has to bind
/// the views over it); once files exist, their own schema is what the catalog records and the views read.
/// </summary>
/// <param name="Location">Key prefix of the table's files.</param>
/// <param name="PartitionKeys">Hive partition columns, taken from the <c>key=value</c> folders, not stored in the files.</param>
public sealed record LakeTable(string Name, string Location, IReadOnlyList<string> PartitionKeys, IReadOnlyList<TableColumn> Columns)
{
    public const string Format = "parquet";

    // Types as the transform SQL produces them; a mismatch would show up as a spurious schema version
    // on the first commit (a test runs the transform to guard that).
    private const string Lineage = "_batch BIGINT, _file_ord INTEGER, _line BIGINT, _row BIGINT, _source_key VARCHAR";

    public static readonly LakeTable Gold = new(Tables.Gold, LakeLayout.GoldPrefix, ["release_year"], Parse(
        "track_id VARCHAR, track_name VARCHAR, track_number INTEGER, duration_ms INTEGER, track_popularity INTEGER, explicit BOOLEAN, " +
        "album_id VARCHAR, album_name VARCHAR, album_type VARCHAR, label VARCHAR, total_tracks INTEGER, album_popularity INTEGER, " +
        "release_date DATE, release_date_precision VARCHAR, artist_id VARCHAR, artist_name VARCHAR, artist_popularity INTEGER, " +
        "followers BIGINT, genres VARCHAR[], release_year INTEGER"));

    public static readonly LakeTable SilverArtists = Silver(Entity.Artists,
        "id VARCHAR, name VARCHAR, artist_popularity INTEGER, followers BIGINT, genres VARCHAR[]");

    public static readonly LakeTable SilverAlbums = Silver(Entity.Albums,
        "track_id VARCHAR, track_name VARCHAR, track_number INTEGER, duration_ms INTEGER, album_type VARCHAR, total_tracks INTEGER, " +
        "album_name VARCHAR, release_date DATE, release_date_precision VARCHAR, label VARCHAR, album_popularity INTEGER, " +
        "album_id VARCHAR, artist_id VARCHAR");

    public static readonly LakeTable SilverTracks = Silver(Entity.Tracks, "id VARCHAR, track_popularity INTEGER, explicit BOOLEAN");

    public static readonly LakeTable Quarantine = new(Tables.Quarantine, LakeLayout.QuarantinePrefix, [], Parse(
        "entity VARCHAR, source_key VARCHAR, line BIGINT, reason VARCHAR, raw_line VARCHAR, batch BIGINT"));

    public static readonly IReadOnlyList<LakeTable> All = [Gold, SilverArtists, SilverAlbums, SilverTracks, Quarantine];

    public static LakeTable Named(string name) => All.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"No lake table named {name}", nameof(name));

    private static LakeTable Silver(Entity entity, string columns) =>
        new(Tables.Silver(entity), LakeLayout.SilverPrefix + entity.Name() + "/", [], Parse(Lineage + ", " + columns));

    private static IReadOnlyList<TableColumn> Parse(string columns) =>
        [.. columns.Split(", ").Select(c => c.Split(' ', 2)).Select(p => new TableColumn(p[0], p[1]))];
}
