using AngleSharp.Html.Parser;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Worker.Cli;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Reporting;

/// <summary>The report verb and the demo's report, through the real command line and host.</summary>
public sealed class ReportCommandTests
{
    [Fact]
    public async Task Report_EmptyLake_WritesAPageThatSaysThereIsNoData()
    {
        using var dir = new TempDirectory();
        var output = new StringWriter();
        var file = dir.Combine("out", "r.html");
        Directory.CreateDirectory(dir.Combine("out"));

        var exit = await WorkerCli.RunAsync(["report", "--lake", dir.Combine("lake"), "--out", file, "--log-format", "text"], output, new StringWriter());

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains($"Report written to {file}", output.ToString(), StringComparison.Ordinal);
        using var document = new HtmlParser().ParseDocument(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
        Assert.NotEmpty(document.QuerySelectorAll("figure .empty"));
    }

    [Fact]
    public async Task Report_OutInMissingFolder_IsBadUsageNamingIt()
    {
        using var dir = new TempDirectory();
        var error = new StringWriter();

        var exit = await WorkerCli.RunAsync(["report", "--lake", dir.Combine("lake"), "--out", dir.Combine("missing", "r.html"), "--log-format", "text"], new StringWriter(), error);

        Assert.Equal(ExitCodes.BadUsage, exit);
        Assert.Contains(dir.Combine("missing"), error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_EmptyLake_EndsByWritingTheReportIntoTheLake()
    {
        using var dir = new TempDirectory();
        var output = new StringWriter();
        var lake = dir.Combine("lake");

        var exit = await WorkerCli.RunAsync(["demo", "--lake", lake, "--log-format", "text"], output, new StringWriter());

        Assert.Equal(ExitCodes.Ok, exit);
        var report = Path.Combine(lake, "report.html");
        Assert.Contains($"Report: {report}", output.ToString(), StringComparison.Ordinal);
        using var document = new HtmlParser().ParseDocument(await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken));
        Assert.Equal(8, document.QuerySelectorAll("figure[data-chart] svg.chart").Length);
    }
}
