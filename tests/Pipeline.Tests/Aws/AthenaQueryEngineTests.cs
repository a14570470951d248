using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Aws.Athena;
using SpotifyWorker.Pipeline.Costs;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Query;
using SpotifyWorker.Pipeline.Tests.Aws.Support;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Aws;

/// <summary>The Athena engine against a stub Athena endpoint: result paging, failures, idempotency tokens, view refresh.</summary>
public sealed class AthenaQueryEngineTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AthenaQueryEngine Engine(string endpoint, int pageSize = 1000) =>
        new(new MotoAws(endpoint).Athena, Options.Create(new MotoAws(endpoint).Options), new UsageMeter(), TimeProvider.System, NullLogger<AthenaQueryEngine>.Instance) { PageSize = pageSize };

    private static ResultSet Page(params string?[][] rows) => new(
        [.. rows.Select(r => new Row([.. r.Select(v => new Datum(v))]))],
        new ResultSetMetadata([new ColumnInfo { Name = "label", Label = "label", Type = "varchar" }, new ColumnInfo { Name = "track_count", Label = "track_count", Type = "bigint" }]));

    private static (int, object) Succeeded(long scanned, string statementType = "DML") => (200, new GetQueryExecutionResponse(new QueryExecution
    {
        QueryExecutionId = "q1",
        StatementType = statementType,
        Status = new QueryExecutionStatus { State = QueryExecutionState.Succeeded },
        Statistics = new QueryExecutionStatistics { DataScannedInBytes = scanned },
    }));

    [Fact]
    public async Task QueryAsync_ResultsOverThreePages_ReadsEveryPageAndSkipsOnlyTheHeaderRow()
    {
        await using var stub = new AwsJsonStub(r => r.Target switch
        {
            "AmazonAthena.StartQueryExecution" => (200, new StartQueryExecutionResponse("q1")),
            "AmazonAthena.GetQueryExecution" => Succeeded(12_345),
            _ => r.Body.TryGetProperty("NextToken", out var token) ? token.GetString() switch
            {
                "p2" => (200, new GetQueryResultsResponse(Page(["B", "2"], ["label", "9"]), "p3")),
                _ => (200, new GetQueryResultsResponse(Page(["C", null]), null)),
            } : (200, new GetQueryResultsResponse(Page(["label", "track_count"], ["A", "1"]), "p2")),
        });

        var result = await Engine(stub.Url, pageSize: 2).QueryAsync("SELECT label, track_count FROM top_labels", Ct);

        Assert.Equal([["A", 1L], ["B", 2L], ["label", 9L], ["C", null]], result.Rows.Select(r => r.ToArray()));
        Assert.Equal(12_345, result.BytesScanned);
        Assert.Equal(3, stub.Requests.Count(r => r.Target == "AmazonAthena.GetQueryResults"));
        var start = stub.Requests.Single(r => r.Target == "AmazonAthena.StartQueryExecution").Body;
        Assert.Equal("primary", start.GetProperty("WorkGroup").GetString());
        Assert.Equal(MotoAws.Database, start.GetProperty("QueryExecutionContext").GetProperty("Database").GetString());
        Assert.Equal($"s3://{MotoAws.LakeBucket}/athena-results/", start.GetProperty("ResultConfiguration").GetProperty("OutputLocation").GetString());
        Assert.InRange(start.GetProperty("ClientRequestToken").GetString()!.Length, 32, 128);
    }

    [Fact]
    public async Task QueryAsync_StartAnswerLost_RetriesWithTheSameClientRequestToken()
    {
        var starts = 0;
        await using var stub = new AwsJsonStub(r => r.Target switch
        {
            "AmazonAthena.StartQueryExecution" => Interlocked.Increment(ref starts) == 1
                ? AwsJsonStub.Error(500, "InternalServerException", "lost")
                : (200, new StartQueryExecutionResponse("q1")),
            "AmazonAthena.GetQueryExecution" => Succeeded(0),
            _ => (200, new GetQueryResultsResponse(Page(["label", "track_count"]), null)),
        });

        await Engine(stub.Url).QueryAsync("SELECT 1", Ct);

        var tokens = stub.Requests.Where(r => r.Target == "AmazonAthena.StartQueryExecution").Select(r => r.Body.GetProperty("ClientRequestToken").GetString()).ToList();
        Assert.Equal(2, tokens.Count);
        Assert.Single(tokens.Distinct());
    }

    [Fact]
    public async Task QueryAsync_QueryFails_ThrowsWithAthenasMessage()
    {
        await using var stub = new AwsJsonStub(r => r.Target switch
        {
            "AmazonAthena.StartQueryExecution" => (200, new StartQueryExecutionResponse("q1")),
            _ => (200, new GetQueryExecutionResponse(new QueryExecution
            {
                QueryExecutionId = "q1",
                Status = new QueryExecutionStatus { State = QueryExecutionState.Failed, AthenaError = new AthenaError(2, 1301, "TABLE_NOT_FOUND: line 1:15: Table 'spotify.nope' does not exist") },
            })),
        });

        var e = await Assert.ThrowsAsync<AthenaQueryFailedException>(() => Engine(stub.Url).QueryAsync("SELECT * FROM nope", Ct));

        Assert.Contains("TABLE_NOT_FOUND", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefreshViewsAsync_EveryView_SendsTheStatementWithoutLeadingCommentsAndCountsDataScanned()
    {
        await using var stub = new AwsJsonStub(r => r.Target switch
        {
            "AmazonAthena.StartQueryExecution" => (200, new StartQueryExecutionResponse("q1")),
            _ => Succeeded(100, "DDL"),
        });
        var engine = Engine(stub.Url);

        await engine.RefreshViewsAsync(ManifestState.Empty, Ct);

        var statements = stub.Requests.Where(r => r.Target == "AmazonAthena.StartQueryExecution").Select(r => r.Body.GetProperty("QueryString").GetString()!).ToList();
        Assert.Equal(AnalyticsViews.All.Count, statements.Count);
        Assert.All(statements, s => Assert.StartsWith("CREATE OR REPLACE VIEW ", s, StringComparison.Ordinal));
        Assert.Equal(100L * AnalyticsViews.All.Count, engine.TakeBytesScanned());
        Assert.Equal(0, engine.TakeBytesScanned());
    }

    [Fact]
    public async Task RefreshViewsAsync_ViewRejected_ThrowsNamingTheView()
    {
        await using var stub = new AwsJsonStub(r => r.Target switch
        {
            "AmazonAthena.StartQueryExecution" => AwsJsonStub.Error(400, "InvalidRequestException", "line 3:1: mismatched input"),
            _ => Succeeded(0),
        });

        var e = await Assert.ThrowsAsync<ViewRefreshException>(() => Engine(stub.Url).RefreshViewsAsync(ManifestState.Empty, Ct));

        Assert.Equal(AnalyticsViews.All[0].Name, e.View);
        Assert.Contains("mismatched input", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutLeadingComments_ViewFile_StartsAtTheStatement()
    {
        var sql = AthenaQueryEngine.WithoutLeadingComments("-- title\r\n-- col: meaning\r\n\r\nCREATE OR REPLACE VIEW v AS\r\nSELECT 1 -- trailing stays\r\n");

        Assert.Equal("CREATE OR REPLACE VIEW v AS\nSELECT 1 -- trailing stays", sql);
    }
}
