using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Query;
using SpotifyWorker.Pipeline.Reporting;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Reporting;

/// <summary>
/// One generated lake (dirty, two drops) processed by the real pipeline in two recorded runs, the second finding
/// nothing new; then the report built from it through the DuckDB query engine. Shared by the report tests
/// because building it is the slow part.
/// </summary>
public sealed class ReportLakeFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 2, 0, 0, TimeSpan.Zero);

    private TestLake? _lake;

    public TestLake Lake => _lake ?? throw new InvalidOperationException("not initialised");
    public FakeTimeProvider Time { get; } = new(Start);
    public DuckDbQueryEngine Engine { get; private set; } = null!;
    public RunHistory History { get; private set; } = null!;
    public IReadOnlyList<RunSummary> Runs { get; private set; } = [];
    public ReportData Data { get; private set; } = null!;
    public string Html { get; private set; } = "";
    public IDocument Document { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _lake = new TestLake(time: Time);
        await SpotifyDataGenerator.GenerateAsync(Lake.Store, "raw/", new GenerationOptions { Scale = 0.004, Drops = 2, Seed = 11, Dirty = true }, ct);
        History = new RunHistory(Lake.Stores, NullLogger<RunHistory>.Instance);
        var runs = new List<RunSummary>();
        foreach (var _ in new[] { "everything", "nothing new" })
        {
            // Run ids start with the start time, so the runs must be apart for the history to order them.
            Time.Advance(TimeSpan.FromHours(1));
            var summary = await Lake.RunOkAsync();
            await History.RecordAsync(summary);
            runs.Add(summary);
        }
        Runs = runs;
        Time.Advance(TimeSpan.FromMinutes(30));

        Engine = new DuckDbQueryEngine(Lake.Stores, Options.Create(Lake.DuckDb), Lake.Log, NullLogger<DuckDbQueryEngine>.Instance);
        Data = await new ReportDataLoader(Engine, new LakePipelineHistory(Lake.Log, History), Lake.Stores, Time).LoadAsync(ct);
        Html = ReportBuilder.Render(Data);
        Document = await new HtmlParser().ParseDocumentAsync(Html, ct);
    }

    public async Task<QueryResult> QueryAsync(string sql) => await Engine.QueryAsync(sql, TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync()
    {
        Document?.Dispose();
        _lake?.Dispose();
        return ValueTask.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class ReportLakeCollection : ICollectionFixture<ReportLakeFixture>
{
    public const string Name = "report lake";
}
