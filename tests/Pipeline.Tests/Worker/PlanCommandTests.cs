using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Worker;

/// <summary><c>plan</c> on a Kaggle upload: the three inputs in a batch, and every other object named with its reason.</summary>
public sealed class PlanCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private Task<string> RunAsync(params string[] args) => WorkerCliRun.OkAsync(_dir.Path, args);

    private async Task UploadAsync()
    {
        await RunAsync("generate", "--scale", "0.001", "--layout", "kaggle");
        await File.WriteAllTextAsync(_dir.Combine("raw", "spotify_features_data_2023.csv"), "id,danceability\nx,0.5\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(_dir.Combine("raw", "spotify_data_12_20_2023.csv"), "artist_id,track_id\nx,y\n", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Plan_KaggleUpload_TableListsTheNotInputsWithTheirReasons()
    {
        await UploadAsync();

        var output = await RunAsync("plan");

        // A redirected table is 80 columns wide and wraps long keys, so keys are checked in the CSV test.
        Assert.Contains("(3 rows)", output, StringComparison.Ordinal);
        Assert.Contains("1 batch(es) after commit 0; 2 object(s) under the raw prefix are not inputs", output, StringComparison.Ordinal);
        var notInputs = output[output.IndexOf("Not inputs", StringComparison.Ordinal)..];
        Assert.Contains("(2 rows)", notInputs, StringComparison.Ordinal);
        Assert.Contains("audio features", notInputs, StringComparison.Ordinal);
        Assert.Contains("merged Kaggle file", notInputs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_CsvFormat_NotInputsAreRowsWithoutBatchAndWithTheReason()
    {
        await UploadAsync();

        var lines = (await RunAsync("plan", "--format", "csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();

        Assert.Equal("batch,entity,key,bytes,last_modified,not_input_because", lines[0]);
        Assert.Equal(3, lines.Count(l => l.StartsWith("1,", StringComparison.Ordinal) && l.EndsWith(',')));
        Assert.Contains(lines, l => l.StartsWith(",,raw/spotify_features_data_2023.csv,", StringComparison.Ordinal) && l.Contains("audio features", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith(",,raw/spotify_data_12_20_2023.csv,", StringComparison.Ordinal) && l.Contains("merged Kaggle file", StringComparison.Ordinal));
    }
}
