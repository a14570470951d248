using System.Text.Json;
using SpotifyWorker.Pipeline.Query;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Reporting;

/// <summary>deploy/powerbi: the data source file has the .pbids shape for the Athena connector, and the README covers every view.</summary>
public sealed class PowerBiDataSourceTests
{
    private const string Pbids = "deploy/powerbi/spotify-athena.pbids";
    private const string Readme = "deploy/powerbi/README.md";

    [Fact]
    public void Pbids_File_IsOneAthenaConnectionWithPlaceholders()
    {
        using var json = JsonDocument.Parse(RepositoryFiles.Read(Pbids));
        var root = json.RootElement;

        Assert.Equal("0.1", root.GetProperty("version").GetString());
        var connection = Assert.Single(root.GetProperty("connections").EnumerateArray());
        var details = connection.GetProperty("details");
        Assert.Equal("amazon-athena", details.GetProperty("protocol").GetString());
        var address = details.GetProperty("address");
        Assert.False(string.IsNullOrWhiteSpace(address.GetProperty("dsn").GetString()));
        Assert.Matches("^<.+>$", address.GetProperty("workgroup").GetString());
        Assert.Matches("^<.+>$", address.GetProperty("database").GetString());
        Assert.Contains(connection.GetProperty("mode").GetString(), new[] { "Import", "DirectQuery" });
    }

    [Fact]
    public void Readme_EveryAnalyticsView_IsListedWithItsVisual()
    {
        var readme = RepositoryFiles.Read(Readme);

        Assert.All(AnalyticsViews.All, v => Assert.Matches($@"\| `{v.Name}` \| [^|]*(chart|Chart)", readme));
        Assert.Contains("DirectQuery", readme, StringComparison.Ordinal);
        Assert.Contains("bytes scanned", readme, StringComparison.Ordinal);
    }
}
