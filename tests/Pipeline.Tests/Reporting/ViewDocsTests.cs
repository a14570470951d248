using SpotifyWorker.Pipeline.Query;
using SpotifyWorker.Pipeline.Reporting;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;
using static SpotifyWorker.Pipeline.Tests.Query.QueryTestSupport;

namespace SpotifyWorker.Pipeline.Tests.Reporting;

/// <summary>docs/views.md is generated from the view SQL headers and cannot drift from them.</summary>
public sealed class ViewDocsTests
{
    [Fact]
    public void DocsFile_Committed_EqualsWhatViewDocsRenders()
    {
        var expected = ViewDocs.Render();
        if (Environment.GetEnvironmentVariable(ViewDocs.UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(RepositoryFiles.PathOf(ViewDocs.DocsPath))!);
            File.WriteAllText(RepositoryFiles.PathOf(ViewDocs.DocsPath), expected);
        }

        var actual = File.Exists(RepositoryFiles.PathOf(ViewDocs.DocsPath)) ? RepositoryFiles.Read(ViewDocs.DocsPath) : "(missing)";
        Assert.True(expected == actual,
            $"{ViewDocs.DocsPath} differs from the view SQL headers; regenerate it: {ViewDocs.UpdateVariable}=1 dotnet test --project tests/Pipeline.Tests -- --filter-class \"*ViewDocsTests\"");
    }

    [Fact]
    public void Render_EveryView_HasPurposeColumnsAndExample()
    {
        var markdown = ViewDocs.Render();

        Assert.All(AnalyticsViews.All, view =>
        {
            var doc = ViewDocs.Parse(view);
            Assert.Contains($"\n## {view.Name}\n\n{doc.Purpose}\n", markdown, StringComparison.Ordinal);
            Assert.All(doc.Columns, c => Assert.Contains($"| `{c.Name}` | ", markdown, StringComparison.Ordinal));
            Assert.Contains(doc.Example, markdown, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Examples_EveryView_RunOnTheQueryEngine()
    {
        using var lake = new ParquetLake();
        var engine = Engine(lake);

        foreach (var view in AnalyticsViews.All)
        {
            var result = await engine.QueryAsync(ViewDocs.Parse(view).Example, TestContext.Current.CancellationToken);
            Assert.Equal(ViewDocs.Parse(view).Columns.Select(c => c.Name), result.Columns.Select(c => c.Name));
        }
    }

    [Fact]
    public void Parse_HeaderLineWithoutMeaning_FailsNamingTheView()
    {
        var view = new ViewDefinition("broken", "-- Purpose.\n-- column_without_meaning\nCREATE OR REPLACE VIEW broken AS SELECT 1 AS x");

        var error = Assert.Throws<FormatException>(() => ViewDocs.Parse(view));
        Assert.Contains("broken.sql", error.Message, StringComparison.Ordinal);
    }
}
