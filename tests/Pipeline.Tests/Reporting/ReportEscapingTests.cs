using AngleSharp.Html.Parser;
using SpotifyWorker.Pipeline.Reporting;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Reporting;

/// <summary>Text from the data is text on the page, whatever it holds; and an empty lake still gives a readable page.</summary>
public sealed class ReportEscapingTests
{
    private const string Hostile = "<script>alert('x')</script> \"Quoted\" & <b>bold</b> 🌙 Ｍｕｓｉｃ";

    [Fact]
    public void Render_NamesWithMarkup_AreShownAsTextNotParsedAsMarkup()
    {
        using var document = new HtmlParser().ParseDocument(ReportBuilder.Render(ReportSamples.Named(Hostile)));

        Assert.Empty(document.QuerySelectorAll("script"));
        Assert.Empty(document.QuerySelectorAll("b"));
        Assert.Equal(Hostile, document.QuerySelector("figure[data-chart='artists'] tbody td:nth-child(2)")!.TextContent);
        Assert.Contains(document.QuerySelectorAll("svg title"), t => t.TextContent.Contains(Hostile, StringComparison.Ordinal));
        Assert.Equal(Hostile, document.QuerySelector("figure[data-chart='genres'] .mark")!.GetAttribute("data-key"));
        Assert.Equal(Hostile, document.QuerySelector("table.runs td:last-child")!.TextContent);
        Assert.Equal(Hostile, document.QuerySelector("table.quarantined-files td:last-child")!.TextContent);
        Assert.Equal(Hostile, document.QuerySelector("header code")!.TextContent);
    }

    [Fact]
    public void Render_EmptyLake_SaysThereIsNoDataInsteadOfDrawingEmptyAxes()
    {
        using var document = new HtmlParser().ParseDocument(ReportBuilder.Render(ReportSamples.Empty()));

        var figures = document.QuerySelectorAll("figure[data-chart]");
        Assert.Equal(ReportCharts.All.Count + 1, figures.Length);
        Assert.All(figures, f =>
        {
            Assert.Null(f.QuerySelector("svg"));
            Assert.Contains("No data yet", f.QuerySelector(".empty")!.TextContent, StringComparison.Ordinal);
        });
        Assert.Equal("never", document.QuerySelector("[data-stat='last-refresh'] .stat-value")!.TextContent);
        Assert.Equal("0", document.QuerySelector("[data-stat='tracks']")!.GetAttribute("data-value"));
    }

    [Fact]
    public void Render_YearsWithoutReleases_AreGapsOnTheAxisNotSkipped()
    {
        var data = ReportSamples.Empty() with
        {
            Views = new Dictionary<string, ViewTable>(ReportSamples.Empty().Views)
            {
                ["releases"] = new(["release_year", "album_count", "track_count", "avg_track_popularity", "avg_album_popularity"],
                    [[1990, 1L, 2L, 40.0, 30.0], [1995, 1L, 4L, 50.0, 35.0]]),
            },
        };
        using var document = new HtmlParser().ParseDocument(ReportBuilder.Render(data));

        var bars = document.QuerySelectorAll("figure[data-chart='releases'] rect.mark");
        Assert.Equal(["1990", "1995"], bars.Select(b => b.GetAttribute("data-key")));
        // The line breaks at the gap: two separate moves, no segment drawn through the missing years.
        var line = document.QuerySelector("figure[data-chart='releases'] path.line")!.GetAttribute("d")!;
        Assert.Equal(2, line.Count(c => c == 'M'));
        Assert.DoesNotContain("L", line, StringComparison.Ordinal);
    }
}
