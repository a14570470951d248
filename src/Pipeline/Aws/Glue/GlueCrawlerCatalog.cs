using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Aws.Http;
using SpotifyWorker.Pipeline.Catalog;
using SpotifyWorker.Pipeline.Manifest;

namespace SpotifyWorker.Pipeline.Aws.Glue;

/// <summary>
/// The AWS catalog: after a commit the Glue crawler re-crawls the gold prefix so that the Data Catalog knows the
/// new partitions and columns. A crawl already running (CrawlerRunningException) is waited out and the crawler
/// started again, since that crawl may have listed the prefix before this commit. A failed crawl fails the refresh
/// with the crawler's message; a schema change is found by comparing the table's columns before and after.
/// </summary>
public sealed partial class GlueCrawlerCatalog(
    IGlueClient glue,
    IOptions<AwsOptions> options,
    TimeProvider time,
    ILogger<GlueCrawlerCatalog> logger) : ICatalog
{
    private AwsOptions Aws => options.Value;

    private string CrawlerName => Aws.GlueCrawlerName ?? throw new InvalidOperationException("Pipeline:Aws:GlueCrawlerName is not set");

    private string Database => Aws.GlueDatabase ?? throw new InvalidOperationException("Pipeline:Aws:GlueDatabase is not set");

    public async Task<CatalogRefresh> RefreshAsync(ManifestState state, CancellationToken cancellationToken)
    {
        var before = await TryGetTableAsync(cancellationToken).ConfigureAwait(false);
        var backoff = new PollBackoff(time, Aws.JobPollInterval, Aws.CrawlerTimeout);
        var previousCrawl = await StartCrawlAsync(backoff, cancellationToken).ConfigureAwait(false);
        var crawler = await WaitForCrawlAsync(previousCrawl, backoff, cancellationToken).ConfigureAwait(false);
        var status = crawler.LastCrawl?.Status;
        if (status is CrawlerState.Failed or CrawlerState.Cancelled)
        {
            throw new InvalidOperationException(
                $"Glue crawler {CrawlerName} crawl {status}: {crawler.LastCrawl?.ErrorMessage ?? "(no message)"} (logs: {crawler.LastCrawl?.LogGroup}/{crawler.LastCrawl?.LogStream})");
        }

        var after = await TryGetTableAsync(cancellationToken).ConfigureAwait(false);
        if (after is null)
        {
            if (state.FilesOf(Tables.Gold).Any())
            {
                throw new InvalidOperationException($"Glue crawler {CrawlerName} finished but table {Database}.{Aws.GlueTable} does not exist; check the crawler's target (the gold prefix) and its table naming");
            }
            return new CatalogRefresh([], []);
        }

        var changes = new List<SchemaChange>();
        if (before is not null)
        {
            var diff = SchemaDiff.Between(Columns(before), Columns(after));
            if (!diff.IsEmpty)
            {
                var version = int.TryParse(after.VersionId, out var v) ? v : 0;
                changes.Add(new SchemaChange(after.Name, version, [.. diff.Added.Select(c => c.Name)], [.. diff.Changed.Select(c => c.New.Name)], [.. diff.Removed.Select(c => c.Name)]));
            }
        }
        var partitions = await CountPartitionsAsync(cancellationToken).ConfigureAwait(false);
        LogCrawled(CrawlerName, Database, after.Name, partitions, backoff.Elapsed.TotalSeconds);
        return new CatalogRefresh([after.Name], changes);
    }

    /// <summary>Starts a crawl, waiting out one already running; returns the start time of the crawl before ours.</summary>
    private async Task<DateTimeOffset?> StartCrawlAsync(PollBackoff backoff, CancellationToken cancellationToken)
    {
        while (true)
        {
            var current = (await glue.GetCrawlerAsync(new GetCrawlerRequest { Name = CrawlerName }, cancellationToken).ConfigureAwait(false)).Crawler;
            try
            {
                await glue.StartCrawlerAsync(new StartCrawlerRequest { Name = CrawlerName }, cancellationToken).ConfigureAwait(false);
                return current.LastCrawl?.StartTime;
            }
            catch (CrawlerRunningException)
            {
                // That crawl may have listed gold/ before this commit: wait for it, then crawl again.
                LogCrawlerBusy(CrawlerName);
                await WaitUntilReadyAsync(backoff, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task WaitUntilReadyAsync(PollBackoff backoff, CancellationToken cancellationToken)
    {
        while (true)
        {
            Expire(backoff, "to finish the crawl that was already running");
            await backoff.WaitAsync(cancellationToken).ConfigureAwait(false);
            var crawler = (await glue.GetCrawlerAsync(new GetCrawlerRequest { Name = CrawlerName }, cancellationToken).ConfigureAwait(false)).Crawler;
            if (crawler.State == CrawlerState.Ready) return;
        }
    }

    /// <summary>Our crawl is done when the crawler is READY with a last crawl newer than the one before the start.</summary>
    private async Task<Crawler> WaitForCrawlAsync(DateTimeOffset? previousCrawl, PollBackoff backoff, CancellationToken cancellationToken)
    {
        while (true)
        {
            var crawler = (await glue.GetCrawlerAsync(new GetCrawlerRequest { Name = CrawlerName }, cancellationToken).ConfigureAwait(false)).Crawler;
            if (crawler.State == CrawlerState.Ready && crawler.LastCrawl is { } last && (previousCrawl is null || last.StartTime > previousCrawl)) return crawler;
            Expire(backoff, "to crawl");
            await backoff.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Expire(PollBackoff backoff, string what)
    {
        if (backoff.Expired) throw new TimeoutException($"Glue crawler {CrawlerName} took longer than {Aws.CrawlerTimeout} (Pipeline:Aws:CrawlerTimeout) {what}");
    }

    private async Task<Table?> TryGetTableAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await glue.GetTableAsync(new GetTableRequest { DatabaseName = Database, Name = Aws.GlueTable }, cancellationToken).ConfigureAwait(false)).Table;
        }
        catch (EntityNotFoundException)
        {
            return null;
        }
    }

    private async Task<int> CountPartitionsAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        string? token = null;
        do
        {
            var page = await glue.GetPartitionsAsync(new GetPartitionsRequest { DatabaseName = Database, TableName = Aws.GlueTable, NextToken = token }, cancellationToken).ConfigureAwait(false);
            count += page.Partitions?.Count ?? 0;
            token = page.NextToken;
        }
        while (!string.IsNullOrEmpty(token));
        return count;
    }

    private static IReadOnlyList<TableColumn> Columns(Table table) =>
        [.. (table.StorageDescriptor?.Columns ?? []).Concat(table.PartitionKeys ?? []).Select(c => new TableColumn(c.Name, c.Type ?? ""))];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Glue crawler {Crawler} is already crawling; waiting for that crawl, then crawling again")]
    private partial void LogCrawlerBusy(string crawler);

    [LoggerMessage(Level = LogLevel.Information, Message = "Glue crawler {Crawler} crawled {Database}.{Table}: {Partitions} partitions, {Seconds:F1} s")]
    private partial void LogCrawled(string crawler, string database, string table, int partitions, double seconds);
}
