using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Aws.S3;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Tests.Aws.Support;
using SpotifyWorker.Pipeline.Tests.Oracle;
using SpotifyWorker.Pipeline.Tests.Reliability;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Aws;

/// <summary>
/// The interleavings of <see cref="ConcurrencyTests"/> on the moto-backed S3 lake: two and four workers, each its
/// own service provider with Pipeline:Backend=aws (same raw bucket, same lake bucket, the Glue job played by one
/// <see cref="GlueJobSimulator"/>), seeded pauses at every fault point, a 3 s lease; a third of the seeds take the
/// lease, a third bypass it so only S3's If-None-Match on the commit log keeps the workers apart, a third mix both.
/// Whatever the interleaving: each batch committed exactly once, every raw file recorded once, gold and quarantine
/// (read back from S3) equal the serial run's, and a final cleanup run leaves no uncommitted data file in S3.
/// </summary>
public sealed class AwsConcurrencyTests(MotoServer moto, ConcurrencyScenario scenario) : MotoTest(moto, "lake/"), IClassFixture<ConcurrencyScenario>
{
    /// <summary>How long a worker keeps trying before the test gives up (a yielding worker waits for the holder).</summary>
    private static readonly TimeSpan WorkerDeadline = TimeSpan.FromSeconds(90);

    private S3ObjectStore Raw => new(Aws.S3, MotoAws.RawBucket, "", new S3StoreSettings(), TimeProvider.System);

    private S3ObjectStore Lake => new(Aws.S3, MotoAws.LakeBucket, Aws.Options.LakePrefix, new S3StoreSettings(), TimeProvider.System);

    protected override async Task SetUpAsync()
    {
        await PreparePipelineAsync();
        await scenario.Drops.PutAllAsync(Raw);
    }

    [Theory]
    [MemberData(nameof(InterleavedWorker.Interleavings), MemberType = typeof(InterleavedWorker))]
    public async Task RunOnce_WorkersInterleavedBySeedOnS3_EachBatchCommittedOnceAndGoldEqualsSerial(int workers, int seed)
    {
        var mode = InterleavedWorker.ModeOf(seed);
        var clock = Stopwatch.StartNew();
        await using var glue = new GlueJobSimulator(Moto, Aws);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(
            () => InterleavedWorker.RunAsync(seed, w, mode, faults => AwsWorker.Build(Aws.Options, ConcurrencyScenario.Settings, s => s.AddSingleton(faults), glue), WorkerDeadline, 250, Ct), Ct)));

        var runs = outcomes.SelectMany(o => o).ToList();
        InterleavedWorker.AssertNoUnexpectedFailureUnderLease(mode, runs);
        InterleavedWorker.AssertNoOverlap(mode, runs, scenario.Batches.Count);
        var concurrent = clock.Elapsed;

        await using (var cleanup = AwsWorker.Build(Aws.Options, new Dictionary<string, string?>(ConcurrencyScenario.Settings) { ["Pipeline:Manifest:GarbageGracePeriod"] = "00:00:00" }, glue: glue))
        {
            var final = await cleanup.GetRequiredService<RunCoordinator>().RunAsync(Ct);
            Assert.True(final.Outcome == RunOutcome.NothingNew, $"{final.Outcome}: {final.Error}");
        }

        var log = new CommitLog(Lake, Options.Create(new ManifestOptions()), NullLogger<CommitLog>.Instance);
        using var mirror = await AwsWorker.MirrorAsync(Aws, Ct);
        Assert.Equal(scenario.Batches, await ConcurrencyScenario.BatchesAsync(mirror.Root));
        await LakeInspector.AssertEveryRawFileRecordedOnceAsync(Lake, Raw, log);
        Assert.Equal(scenario.Gold, await LakeInspector.GoldAsync(mirror.Root));
        Assert.Equal(scenario.Quarantine, await LakeInspector.QuarantineAsync(mirror.Root));
        await OracleAssert.MatchesAsync(mirror.Store, Raw);
        await LakeInspector.AssertNoGarbageAsync(Lake, log);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"S3: {workers} workers, seed {seed}, {mode}: {runs.Count} runs ({InterleavedWorker.Describe(runs)}), "
            + $"{glue.Completed.Count} Glue job runs ({glue.Failed.Count} failed) for {scenario.Batches.Count} batches, {concurrent.TotalSeconds:F1} s"
            + string.Concat(InterleavedWorker.Unexpected(runs).Select(r => $"; failed: {r.Error}")));
    }
}
