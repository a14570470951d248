using SpotifyWorker.Pipeline.Query;
using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.Reporting;

/// <summary>
/// Reads what the report shows: every number about the data through <see cref="IQueryEngine"/> (DuckDB locally,
/// Athena on AWS; never the files directly), and the pipeline's own history through <see cref="IPipelineHistory"/>.
/// </summary>
public sealed class ReportDataLoader(IQueryEngine query, IPipelineHistory history, LakeStores stores, TimeProvider time)
{
    /// <summary>The headline counts in one statement (scalar subqueries run on DuckDB and Athena alike).</summary>
    public const string HeadlineSql = """
        SELECT
            (SELECT count(*) FROM spotify_tracks) AS tracks,
            (SELECT count(DISTINCT artist_id) FROM spotify_tracks) AS artists,
            (SELECT count(DISTINCT album_id) FROM spotify_tracks) AS albums,
            (SELECT count(*) FROM popularity_by_genre) AS genres
        """;

    /// <summary>Quarantined rows by entity and reason code (reasons read "code: detail").</summary>
    public const string RejectsSql = """
        SELECT entity, split_part(reason, ':', 1) AS reason_code, count(*) AS row_count
        FROM quarantine
        GROUP BY entity, split_part(reason, ':', 1)
        ORDER BY row_count DESC, entity, reason_code
        """;

    public async Task<ReportData> LoadAsync(CancellationToken cancellationToken)
    {
        var health = await history.ReadAsync(ReportBuilder.RunsShown, cancellationToken).ConfigureAwait(false);
        var counts = ViewTable.From(await query.QueryAsync(HeadlineSql, cancellationToken).ConfigureAwait(false));
        long Count(string column) => counts.Count == 0 ? 0 : (long)(counts.Number(0, column) ?? 0);
        var headline = new Headline(Count("tracks"), Count("artists"), Count("albums"), Count("genres"), health.LastCommitAt, health.QuarantinedRows);

        var views = new Dictionary<string, ViewTable>(StringComparer.Ordinal);
        foreach (var chart in ReportCharts.All)
        {
            views[chart.Id] = ViewTable.From(await query.QueryAsync(chart.Sql, cancellationToken).ConfigureAwait(false));
        }
        var rejects = ViewTable.From(await query.QueryAsync(RejectsSql, cancellationToken).ConfigureAwait(false));
        return new ReportData(time.GetUtcNow(), stores.Lake.Describe(""), headline, views, rejects, health);
    }
}
