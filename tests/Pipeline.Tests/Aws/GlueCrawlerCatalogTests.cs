using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Aws.Glue;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Tests.Aws.Support;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Aws;

/// <summary>The crawler catalog on moto (a crawl already running, schema changes) and on a stub (a failed crawl).</summary>
public sealed class GlueCrawlerCatalogTests(MotoServer moto) : MotoTest(moto)
{
    private static GlueCrawlerCatalog Catalog(MotoAws aws, ListLogger<GlueCrawlerCatalog>? logger = null) =>
        new(aws.Glue, Options.Create(aws.Options), TimeProvider.System, logger ?? new ListLogger<GlueCrawlerCatalog>());

    private static readonly ManifestState WithGold = ParquetLake.State(1, new DataFile("gold/spotify_tracks/release_year=2020/part-a.parquet", Tables.Gold, 1, 1, 2020));

    [Fact]
    public async Task RefreshAsync_CrawlerAlreadyRunning_WaitsForItThenCrawlsAgainAndReportsTheSchemaChange()
    {
        await Aws.CreateGoldTableAsync(MotoAws.GoldColumns, Ct);
        await Moto.SetTransitionAsync("glue::crawl", "manual");
        await Aws.Glue.StartCrawlerAsync(new StartCrawlerRequest { Name = MotoAws.CrawlerName }, Ct); // someone else's crawl
        var logger = new ListLogger<GlueCrawlerCatalog>();

        var refresh = Catalog(Aws, logger).RefreshAsync(WithGold, Ct);
        while (!logger.Events.Any(e => e.Message.Contains("already crawling", StringComparison.Ordinal)))
        {
            Assert.False(refresh.IsCompleted, refresh.Exception?.ToString());
            await Task.Delay(50, Ct);
        }
        // While it waits, the running crawl adds a column (as a crawl over new files would).
        await Aws.UpdateGoldTableAsync([.. MotoAws.GoldColumns, ("lyrics_language", "string")], Ct);
        await Moto.SetTransitionAsync("glue::crawl", "immediate");
        var result = await refresh;

        var crawls = await Aws.GlueAsync("ListCrawls", new { CrawlerName = MotoAws.CrawlerName }, Ct);
        Assert.Equal(2, crawls.GetProperty("Crawls").GetArrayLength());
        Assert.Equal(["spotify_tracks"], result.Tables);
        var change = Assert.Single(result.Changes);
        Assert.Equal(["lyrics_language"], change.Added);
        Assert.Empty(change.Removed);
    }

    [Fact]
    public async Task RefreshAsync_NoTableAfterCrawlButGoldCommitted_FailsNamingTheTable()
    {
        await Moto.SetTransitionAsync("glue::crawl", "immediate");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Catalog(Aws).RefreshAsync(WithGold, Ct));

        Assert.Contains("spotify.spotify_tracks does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefreshAsync_CrawlFailed_ThrowsWithTheCrawlersMessage()
    {
        var started = false;
        (int, object) Start()
        {
            started = true;
            return (200, new StartCrawlerResponse());
        }
        await using var stub = new AwsJsonStub(r => r.Target switch
        {
            "AWSGlue.StartCrawler" => Start(),
            "AWSGlue.GetCrawler" => (200, new GetCrawlerResponse(new Crawler
            {
                Name = MotoAws.CrawlerName,
                State = CrawlerState.Ready,
                LastCrawl = started ? new LastCrawlInfo { Status = CrawlerState.Failed, ErrorMessage = "Service is unable to assume role", StartTime = DateTimeOffset.UtcNow, LogGroup = "/aws-glue/crawlers", LogStream = "spotify-gold" } : null,
            })),
            _ => AwsJsonStub.Error(400, "EntityNotFoundException", "Table spotify_tracks not found"),
        });

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Catalog(new MotoAws(stub.Url)).RefreshAsync(WithGold, Ct));

        Assert.Contains("crawl FAILED: Service is unable to assume role", e.Message, StringComparison.Ordinal);
    }
}
