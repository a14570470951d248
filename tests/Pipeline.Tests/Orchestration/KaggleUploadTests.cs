using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Pipeline.Transform;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Orchestration;

/// <summary>
/// The Kaggle download uploaded as it is: its file names at the raw root, its two files that are not inputs beside
/// them. The pipeline must make the same gold of it as of the same data in entity folders.
/// </summary>
public sealed class KaggleUploadTests
{
    private static readonly GenerationOptions Drops = new() { Scale = 0.002, Drops = 2, Seed = 17, Dirty = true, MaxParallelism = 2 };

    /// <summary>What else a Kaggle user's raw prefix holds: the two other files of the download and a name that fits two entities.</summary>
    private static readonly Dictionary<string, string> NotInputs = new()
    {
        ["raw/spotify_features_data_2023.csv"] = "audio features",
        ["raw/spotify_data_12_20_2023.csv"] = "merged Kaggle file",
        ["raw/artists_albums.csv"] = "the name says artists and albums",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<TestLake> GenerateAsync(RawLayout layout)
    {
        var lake = new TestLake();
        await SpotifyDataGenerator.GenerateAsync(lake.Store, "raw/", Drops with { Layout = layout, TempDirectory = lake.Store.PathOf("_pipeline/tmp/gen") }, Ct);
        return lake;
    }

    [Fact]
    public async Task RunOnce_KaggleNamesAtRawRootWithExtraFiles_SameGoldAsEntityFolders()
    {
        using var folders = await GenerateAsync(RawLayout.EntityFolders);
        using var kaggle = await GenerateAsync(RawLayout.Kaggle);
        // Rows that would change gold if they were taken in as any entity: a wrong guess could not go unnoticed.
        var trackIds = File.ReadLines(kaggle.Store.PathOf("raw/spotify_tracks_data_2023.csv")).Skip(1).Take(3).Select(l => l.Split(',')[0]);
        await kaggle.PutAsync("raw/spotify_features_data_2023.csv", "id,track_popularity,explicit\n" + string.Join('\n', trackIds.Select(id => id + ",0,True")) + "\n");
        await kaggle.PutAsync("raw/spotify_data_12_20_2023.csv", "id,name,artist_popularity\nx,y,1\n");
        await kaggle.PutAsync("raw/artists_albums.csv", "id,track_popularity,explicit\nz,1,False\n");

        var expected = await folders.RunOkAsync();
        var actual = await kaggle.RunOkAsync();

        Assert.Equal(expected.Batches.Sum(b => b.Files), actual.Batches.Sum(b => b.Files));
        Assert.Equal(expected.Batches.Sum(b => b.FilesQuarantined), actual.Batches.Sum(b => b.FilesQuarantined));
        Assert.Equal(expected.Batches.Sum(b => b.RowsRead), actual.Batches.Sum(b => b.RowsRead));
        Assert.Equal(expected.Batches.Sum(b => b.RowsRejected), actual.Batches.Sum(b => b.RowsRejected));
        Assert.Equal(NotInputs.Count, actual.IgnoredObjects);
        Assert.Equal(await folders.GoldAsync(), await kaggle.GoldAsync());
    }

    [Fact]
    public async Task Plan_KaggleUpload_ListsEachNotInputWithItsReason()
    {
        using var kaggle = await GenerateAsync(RawLayout.Kaggle);
        foreach (var key in NotInputs.Keys) await kaggle.PutAsync(key, "id\n1\n");

        var plan = await kaggle.Runner.PlanAsync(Ct);

        Assert.Equal(NotInputs.Keys.Order(StringComparer.Ordinal), plan.Ignored.Select(n => n.Object.Key).Order(StringComparer.Ordinal));
        Assert.All(plan.Ignored, n => Assert.Contains(NotInputs[n.Object.Key], n.Reason, StringComparison.Ordinal));
        var planned = plan.Batches.SelectMany(b => b.Files).ToList();
        Assert.Contains(planned, f => f.Object.Key == "raw/spotify-albums_data_2023.csv" && f.Entity == Entity.Albums);
        Assert.Contains(planned, f => f.Object.Key == "raw/spotify_artist_data_2023.csv" && f.Entity == Entity.Artists);
        Assert.Contains(planned, f => f.Object.Key == "raw/spotify_tracks_data_2023.csv" && f.Entity == Entity.Tracks);
    }
}
