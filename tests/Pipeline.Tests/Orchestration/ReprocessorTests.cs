using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.Oracle;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Pipeline.Transform;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Orchestration;

public sealed class ReprocessorTests : IDisposable
{
    private readonly TempDirectory _lake = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _lake.Dispose();

    private sealed class CountingResets(ITransformEngine inner) : ITransformEngine
    {
        public int Resets { get; private set; }

        public Task<BatchOutput> ExecuteAsync(BatchWork work, CancellationToken cancellationToken) => inner.ExecuteAsync(work, cancellationToken);

        public Task<CompactionOutput> CompactAsync(CompactionWork work, CancellationToken cancellationToken) => inner.CompactAsync(work, cancellationToken);

        public Task ResetAsync(CancellationToken cancellationToken)
        {
            Resets++;
            return inner.ResetAsync(cancellationToken);
        }
    }

    private ServiceProvider Worker(out CountingResets engine, int maxFiles = 3)
    {
        CountingResets? created = null;
        var services = PipelineServices.Create(_lake.Path, new Dictionary<string, string?> { ["Pipeline:Batch:MaxFiles"] = maxFiles.ToString(System.Globalization.CultureInfo.InvariantCulture) }, configure: s =>
            s.AddSingleton<ITransformEngine>(sp => created = new CountingResets(ActivatorUtilities.CreateInstance<DuckDbTransform>(sp))));
        _ = services.GetRequiredService<ITransformEngine>();
        engine = created!;
        return services;
    }

    private static async Task<IReadOnlyList<string>> GoldAsync(ServiceProvider services)
    {
        var result = await services.GetRequiredService<Pipeline.Query.IQueryEngine>().QueryAsync("SELECT track_id, artist_name, track_popularity, release_year FROM spotify_tracks ORDER BY track_id", Ct);
        return [.. result.Rows.Select(r => string.Join('|', r))];
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ReprocessFrom_Batch_NextRunRebuildsTheSameGold(long from)
    {
        var report = await SpotifyDataGenerator.GenerateAsync(new LocalObjectStore(_lake.Path), "raw/", new GenerationOptions { Scale = 0.002, Drops = 3, Seed = 5, TempDirectory = _lake.Combine("gen") }, Ct);
        using var services = Worker(out var engine);
        var coordinator = services.GetRequiredService<RunCoordinator>();
        await coordinator.RunAsync(Ct); // three batches of three files
        var before = await GoldAsync(services);

        var result = await services.GetRequiredService<Reprocessor>().ReprocessFromAsync(from, Ct);
        var afterReset = await services.GetRequiredService<CommitLog>().LoadAsync(Ct);
        var rerun = await coordinator.RunAsync(Ct);

        Assert.Equal(1, engine.Resets);
        Assert.Equal(3 * (4 - from), result.RawFilesForgotten);
        Assert.Empty(afterReset.FilesOf(Tables.Gold));
        Assert.Equal(RunOutcome.Succeeded, rerun.Outcome);
        Assert.Equal(report.GoldRowsAfterDrop[^1], rerun.GoldRows);
        Assert.Equal(before, await GoldAsync(services));
        await OracleAssert.MatchesAsync(_lake.Path);
    }

    /// <summary>
    /// Two files a batch, in key order, make the last batch tracks files alone. Reprocessing it alone leaves gold empty
    /// and re-reads only those tracks, so the next run must rebuild gold from all silver, not from the batch's keys.
    /// </summary>
    [Fact]
    public async Task ReprocessFrom_LastBatchAlone_NextRunRebuildsAllGoldFromSilver()
    {
        var report = await SpotifyDataGenerator.GenerateAsync(new LocalObjectStore(_lake.Path), "raw/", new GenerationOptions { Scale = 0.002, Drops = 3, Seed = 5, TempDirectory = _lake.Combine("gen") }, Ct);
        using var services = Worker(out _, maxFiles: 2);
        var coordinator = services.GetRequiredService<RunCoordinator>();
        var first = await coordinator.RunAsync(Ct);
        var before = await GoldAsync(services);

        var result = await services.GetRequiredService<Reprocessor>().ReprocessFromAsync(first.CommittedSeq, Ct);
        var rerun = await coordinator.RunAsync(Ct);

        Assert.Equal(1, result.RawFilesForgotten);
        Assert.Equal(RunOutcome.Succeeded, rerun.Outcome);
        Assert.Single(rerun.Batches);
        Assert.Equal(report.GoldRowsAfterDrop[^1], rerun.GoldRows);
        Assert.Equal(before, await GoldAsync(services));
        await OracleAssert.MatchesAsync(_lake.Path);
    }

    [Fact]
    public async Task ReprocessFrom_BatchNotCommitted_ThrowsNamingTheRange()
    {
        using var services = Worker(out _);
        await SpotifyDataGenerator.GenerateAsync(new LocalObjectStore(_lake.Path), "raw/", new GenerationOptions { Scale = 0.001, Seed = 1, TempDirectory = _lake.Combine("gen") }, Ct);
        await services.GetRequiredService<RunCoordinator>().RunAsync(Ct);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => services.GetRequiredService<Reprocessor>().ReprocessFromAsync(5, Ct));
        Assert.Contains("choose 1 to 1", error.Message, StringComparison.Ordinal);
    }
}
