using System.Text.RegularExpressions;
using SpotifyWorker.Pipeline.Query;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;
using static SpotifyWorker.Pipeline.Tests.Query.QueryTestSupport;

namespace SpotifyWorker.Pipeline.Tests.Query;

/// <summary>
/// The view files also run on Athena, which these tests cannot reach; simple text checks keep out the DuckDB-only
/// syntax that would break there, and keep the header that documentation is generated from true to the view.
/// </summary>
public sealed partial class ViewFileTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The views the reports and the Power BI data source use: a contract, so removing one must fail a test.</summary>
    private static readonly string[] ContractViews =
    [
        "album_type_mix", "duration_trend", "explicit_share_by_year", "popularity_by_genre",
        "releases_by_year", "top_artists_by_followers", "top_labels",
    ];

    public static TheoryData<string> ViewNames => [.. AnalyticsViews.All.Select(v => v.Name)];

    private static string Sql(string name) => AnalyticsViews.All.Single(v => v.Name == name).Sql;

    private static string Body(string sql) => string.Join('\n', sql.Split('\n').Where(l => !l.TrimStart().StartsWith("--", StringComparison.Ordinal)));

    [Fact]
    public void AnalyticsViews_Embedded_IncludeEveryContractView()
    {
        Assert.Subset(AnalyticsViews.All.Select(v => v.Name).ToHashSet(), ContractViews.ToHashSet());
    }

    [Theory]
    [MemberData(nameof(ViewNames))]
    public void ViewFile_Statement_IsOneCreateOrReplaceViewNamedAfterTheFile(string name)
    {
        var body = Body(Sql(name));

        var match = CreateView().Match(body);
        Assert.True(match.Success, $"{name}.sql must start with CREATE OR REPLACE VIEW <name> AS");
        Assert.Equal(name, match.Groups[1].Value);
        Assert.DoesNotContain(";", body, StringComparison.Ordinal);
        Assert.Single(CreateView().Matches(body));
    }

    [Theory]
    [MemberData(nameof(ViewNames))]
    public void ViewFile_Sql_AvoidsDuckDbOnlySyntax(string name)
    {
        var body = Body(Sql(name));

        foreach (var forbidden in new[] { "::", "[", "]", "QUALIFY", "EXCLUDE", "ILIKE", "->", "list_", "struct_pack", "count_if" })
        {
            Assert.False(body.Contains(forbidden, StringComparison.OrdinalIgnoreCase), $"{name}.sql uses {forbidden}, which Athena does not run");
        }
        Assert.DoesNotMatch(SelectReplace(), body);
    }

    [Theory]
    [MemberData(nameof(ViewNames))]
    public async Task ViewFile_Header_DocumentsEveryColumnInOrder(string name)
    {
        var lines = Sql(name).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var header = lines.TakeWhile(l => l.StartsWith("-- ", StringComparison.Ordinal)).ToList();
        Assert.True(header.Count >= 2, $"{name}.sql must start with a purpose line and column lines");
        Assert.DoesNotMatch(ColumnLine(), header[0]);
        Assert.All(header.Skip(1), l => Assert.Matches(ColumnLine(), l));
        Assert.StartsWith("CREATE OR REPLACE VIEW", lines[header.Count], StringComparison.Ordinal);

        using var lake = new ParquetLake();
        var result = await Engine(lake).QueryAsync($"SELECT * FROM {name}", Ct);

        Assert.Equal(result.Columns.Select(c => c.Name), header.Skip(1).Select(l => ColumnLine().Match(l).Groups[1].Value));
    }

    [GeneratedRegex(@"^\s*CREATE OR REPLACE VIEW ([a-z0-9_]+) AS\s", RegexOptions.Multiline)]
    private static partial Regex CreateView();

    [GeneratedRegex(@"^-- ([a-z0-9_]+): \S")]
    private static partial Regex ColumnLine();

    [GeneratedRegex(@"\*\s*REPLACE\s*\(", RegexOptions.IgnoreCase)]
    private static partial Regex SelectReplace();
}
