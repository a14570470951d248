using System.Text.Json;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Worker;

/// <summary>
/// <c>demo</c> is read by a person: its output is the story (files, run, views, report) with no metrics line in it,
/// while <c>run-once</c> keeps writing the CloudWatch EMF line to its standard output.
/// </summary>
public sealed class DemoCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private Task<string> RunAsync(params string[] args) => WorkerCliRun.OkAsync(_dir.Combine("lake"), args);

    private static List<string> JsonLines(string output) =>
        [.. output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('{') || l.Contains("\"_aws\"", StringComparison.Ordinal))];

    [Fact]
    public async Task Demo_FreshLake_OutputIsTheStoryWithNoJsonLine()
    {
        var output = await RunAsync("demo");

        Assert.Empty(JsonLines(output));
        Assert.Contains("raw/artists/drop-0001/artists-0001.csv", output, StringComparison.Ordinal);
        Assert.Contains("Top artists by followers", output, StringComparison.Ordinal);
        Assert.Contains("Report: ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_KaggleLayout_ProcessesTheKaggleFileNamesAtTheRawRoot()
    {
        var output = await RunAsync("demo", "--layout", "kaggle");

        Assert.Empty(JsonLines(output));
        Assert.Contains("raw/spotify-albums_data_2023.csv", output, StringComparison.Ordinal);
        Assert.Contains("raw/spotify_artist_data_2023.csv", output, StringComparison.Ordinal);
        Assert.Contains("raw/spotify_tracks_data_2023.csv", output, StringComparison.Ordinal);
        Assert.DoesNotContain("raw/artists/", output, StringComparison.Ordinal);
        Assert.Contains("Top artists by followers", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunOnce_NewFiles_WritesTheEmfLineToItsOutput()
    {
        await RunAsync("generate", "--scale", "0.001", "--layout", "kaggle");

        var output = await RunAsync("run-once");

        using var emf = JsonDocument.Parse(Assert.Single(JsonLines(output)));
        Assert.True(emf.RootElement.TryGetProperty("_aws", out _), emf.RootElement.ToString());
        Assert.True(emf.RootElement.GetProperty("FilesProcessed").GetDouble() >= 3, emf.RootElement.ToString());
    }
}
