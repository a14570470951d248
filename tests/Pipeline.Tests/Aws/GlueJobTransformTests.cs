using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Aws;
using SpotifyWorker.Pipeline.Aws.Glue;
using SpotifyWorker.Pipeline.Costs;
using SpotifyWorker.Pipeline.Aws.Http;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.Aws.Support;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Pipeline.Transform;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Aws;

/// <summary>The Glue transform against a stub Glue endpoint: arguments, failures and what a failed run leaves.</summary>
public sealed class GlueJobTransformTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TempDirectory _dir = new();
    private readonly LocalObjectStore _lake;
    private readonly UsageMeter _usage = new();

    public GlueJobTransformTests() => _lake = new LocalObjectStore(_dir.Path);

    public void Dispose() => _dir.Dispose();

    private GlueJobTransform Transform(string endpoint) => Transform(new MotoAws(endpoint).Glue, new MotoAws(endpoint).Options);

    private GlueJobTransform Transform(IGlueClient glue, AwsOptions options) => new(
        glue,
        new LakeStores(_lake, "raw/", _lake),
        Options.Create(options),
        Options.Create(new PipelineOptions()),
        NoFaults.Instance,
        _usage,
        TimeProvider.System,
        NullLogger<GlueJobTransform>.Instance);

    private static BatchWork Work(int files, IRunLease lease, string keyPadding = "") => new(
        3,
        "run",
        [.. Enumerable.Range(1, files).Select(i => new BatchFile($"raw/tracks/drop-{keyPadding}{i:D4}/tracks.csv", $"etag{i}", 10, DateTimeOffset.UnixEpoch, Entity.Tracks, i))],
        ManifestState.Empty with { Seq = 2 },
        lease);

    /// <summary>A Glue with no runs of the job, that starts jr_1 and reports it ended as <paramref name="end"/>.</summary>
    private static AwsJsonStub StartsAndEnds(JobRun end) => new(r => r.Target switch
    {
        "AWSGlue.GetJobRuns" => (200, new GetJobRunsResponse([], null)),
        "AWSGlue.StartJobRun" => (200, new StartJobRunResponse("jr_1")),
        _ => (200, new GetJobRunResponse(end)),
    });

    private static JobRun Run(string state, string? error = null) => new() { Id = "jr_1", JobRunState = state, ErrorMessage = error };

    [Fact]
    public async Task ExecuteAsync_JobRunFails_ThrowsWithGluesErrorMessageAndClearsTheLease()
    {
        await using var stub = StartsAndEnds(Run(JobRunState.Failed, "AnalysisException: cannot resolve 'x'"));
        var lease = new RecordingLease();

        var e = await Assert.ThrowsAsync<GlueJobRunFailedException>(() => Transform(stub.Url).ExecuteAsync(Work(2, lease), Ct));

        Assert.Contains("FAILED: AnalysisException: cannot resolve 'x'", e.Message, StringComparison.Ordinal);
        Assert.Equal([("jr_1", 3L), (null, 3L)], lease.Recorded);
    }

    [Fact]
    public async Task ExecuteAsync_StartedRun_PassesTheBatchAsJobArguments()
    {
        await using var stub = StartsAndEnds(Run(JobRunState.Stopped));

        await Assert.ThrowsAsync<GlueJobRunFailedException>(() => Transform(stub.Url).ExecuteAsync(Work(2, new RecordingLease()), Ct));

        var args = stub.Requests.Single(r => r.Target == "AWSGlue.StartJobRun").Body.GetProperty("Arguments").Deserialize<Dictionary<string, string>>()!;
        Assert.Equal("3", args["--batch_seq"]);
        Assert.Equal("""["raw/tracks/drop-0001/tracks.csv","raw/tracks/drop-0002/tracks.csv"]""", args["--raw_keys"]);
        Assert.Equal(("spotify-raw", "raw/", "spotify-lake"), (args["--raw_bucket"], args["--raw_prefix"], args["--lake_bucket"]));
        Assert.False(args.ContainsKey("--lake_prefix"));
        Assert.Equal("job-bookmark-disable", args["--job-bookmark-option"]);
        Assert.Equal("AES256", args["--server_side_encryption"]);
        Assert.Matches("^_pipeline/jobs/00000000000000000003-[0-9a-f]{12}/output.json$", args["--output_key"]);
        Assert.NotNull(await _lake.HeadAsync(args["--committed_state"], Ct));
        Assert.StartsWith("s3://spotify-lake/_pipeline/sql/", args["--sql_prefix"], StringComparison.Ordinal);
        var sqlFolder = args["--sql_prefix"]["s3://spotify-lake/".Length..];
        Assert.Equal(SqlScripts.Folder("Transform.Sql").Count, await _lake.ListAsync(sqlFolder, cancellationToken: Ct).CountAsync(Ct));
        Assert.Equal(GlueJobArguments.Fingerprint(Work(2, NoLease.Instance)), args["--batch_fingerprint"]);
    }

    /// <summary>
    /// Batch 5 is the last commit: artists have a delta over nothing, albums a base (compaction 3) and a delta, tracks
    /// one base alone (already compact, so not read).
    /// </summary>
    private static CompactionWork Compaction(IRunLease lease) => new(
        6,
        "run",
        ParquetLake.State(
            5,
            new DataFile("silver/artists/batch=5/part-a5.parquet", "silver_artists", 4, 100),
            new DataFile("silver/albums/compact=3/part-base.parquet", "silver_albums", 20, 900, ToBatch: 2),
            new DataFile("silver/albums/batch=4/part-b4.parquet", "silver_albums", 3, 100),
            new DataFile("silver/tracks/compact=3/part-t.parquet", "silver_tracks", 7, 100, ToBatch: 2),
            new DataFile("gold/spotify_tracks/release_year=2020/part-g.parquet", "spotify_tracks", 20, 900, ReleaseYear: 2020),
            new DataFile("quarantine/albums/batch=4/part-q.parquet", "quarantine", 1, 100)),
        lease);

    private static readonly string[] LiveSilver =
        ["silver/albums/batch=4/part-b4.parquet", "silver/albums/compact=3/part-base.parquet", "silver/artists/batch=5/part-a5.parquet"];

    [Fact]
    public async Task CompactAsync_StartedRun_PassesCompactModeAndExactlyTheLiveSilverFiles()
    {
        await using var stub = StartsAndEnds(Run(JobRunState.Stopped));
        var lease = new RecordingLease();

        await Assert.ThrowsAsync<GlueJobRunFailedException>(() => Transform(stub.Url).CompactAsync(Compaction(lease), Ct));

        var args = stub.Requests.Single(r => r.Target == "AWSGlue.StartJobRun").Body.GetProperty("Arguments").Deserialize<Dictionary<string, string>>()!;
        Assert.Equal(("compact", "6"), (args["--mode"], args["--batch_seq"]));
        Assert.Equal(GlueJobArguments.Fingerprint(Compaction(NoLease.Instance)), args["--batch_fingerprint"]);
        Assert.NotEqual(GlueJobArguments.Fingerprint(Work(1, NoLease.Instance) with { Seq = 6 }), args["--batch_fingerprint"]);
        Assert.DoesNotContain(args.Keys, k => k.StartsWith("--raw_", StringComparison.Ordinal));
        Assert.Matches("^_pipeline/jobs/00000000000000000006-[0-9a-f]{12}/output.json$", args["--output_key"]);
        Assert.StartsWith("s3://spotify-lake/_pipeline/sql/", args["--sql_prefix"], StringComparison.Ordinal);
        await using var committed = await _lake.OpenReadAsync(args["--committed_state"], Ct);
        var state = (await JsonSerializer.DeserializeAsync<GlueCommittedState>(committed, GlueJobJson.Options, Ct))!;
        Assert.Equal(5, state.Seq);
        Assert.Equal(LiveSilver, state.Files.Select(f => f.Key));
        Assert.Equal(2, state.Files.Single(f => f.Key.Contains("compact=3", StringComparison.Ordinal)).ToBatch);
        Assert.Equal([("jr_1", 6L), (null, 6L)], lease.Recorded);
    }

    [Theory]
    [InlineData(true, "jr_old")]
    [InlineData(false, "jr_new")]
    public async Task CompactAsync_InheritedRunOfTheSeq_ReattachesOnlyWhenItComputesThisCompaction(bool sameWork, string expectedRun)
    {
        // A dead predecessor's run for seq 6: this very compaction, or a batch that was to become seq 6.
        var fingerprint = GlueJobArguments.Fingerprint(Compaction(NoLease.Instance));
        var other = GlueJobArguments.Fingerprint(Work(1, NoLease.Instance) with { Seq = 6 });
        var polls = 0;
        await using var stub = new AwsJsonStub(r => r.Target switch
        {
            "AWSGlue.GetJobRuns" => (200, new GetJobRunsResponse([], null)),
            "AWSGlue.StartJobRun" => (200, new StartJobRunResponse("jr_new")),
            _ when r.Body.GetProperty("RunId").GetString() == "jr_old" => (200, new GetJobRunResponse(new JobRun
            {
                Id = "jr_old",
                JobRunState = Interlocked.Increment(ref polls) < 3 ? JobRunState.Running : JobRunState.Error,
                Arguments = new() { ["--batch_seq"] = "6", ["--batch_fingerprint"] = sameWork ? fingerprint : other },
            })),
            _ => (200, new GetJobRunResponse(Run(JobRunState.Error) with { Id = "jr_new" })),
        });
        var lease = new RecordingLease(new LeaseDocument("dead", "run0", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "jr_old", 6));

        await Assert.ThrowsAsync<GlueJobRunFailedException>(() => Transform(stub.Url).CompactAsync(Compaction(lease), Ct));

        Assert.NotEqual(fingerprint, other);
        Assert.Equal(sameWork ? 0 : 1, stub.Requests.Count(r => r.Target == "AWSGlue.StartJobRun"));
        Assert.Equal([(expectedRun, 6L), (null, 6L)], lease.Recorded);
    }

    [Fact]
    public async Task CompactAsync_SilverAlreadyOneBasePerEntity_StartsNoRun()
    {
        await using var stub = StartsAndEnds(Run(JobRunState.Succeeded));
        var work = Compaction(new RecordingLease());
        var compact = work with { Committed = ParquetLake.State(5, [.. work.Committed.LiveFiles.Values.Where(f => f.ToBatch is not null || f.Table == Tables.Gold)]) };

        var output = await Transform(stub.Url).CompactAsync(compact, Ct);

        Assert.Empty(output.Superseded);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task CompactAsync_SucceededRun_ReturnsBasesCoveringTheirHighestBatchSupersedingWhatItWasGivenAndMetersTheRun()
    {
        string? outputKey = null;
        await using var stub = new AwsJsonStub(r =>
        {
            if (r.Target == "AWSGlue.GetJobRuns") return (200, new GetJobRunsResponse([], null));
            if (r.Target == "AWSGlue.StartJobRun")
            {
                // The job's part: its result document, before the run is seen to succeed.
                outputKey = r.Body.GetProperty("Arguments").GetProperty("--output_key").GetString()!;
                using var document = GlueJobJson.Serialize(new GlueJobResult(6, [], [
                    new DataFile("silver/artists/compact=6/part-x.parquet", "silver_artists", 4, 50),
                    new DataFile("silver/albums/compact=6/part-y.parquet", "silver_albums", 21, 800)], LiveSilver, 0, []));
                _lake.PutAsync(outputKey, document, Ct).GetAwaiter().GetResult();
                return (200, new StartJobRunResponse("jr_1"));
            }
            return (200, new GetJobRunResponse(Run(JobRunState.Succeeded) with
            {
                DPUSeconds = 240,
                ExecutionTime = 60,
                Arguments = new Dictionary<string, string> { [GlueJobArguments.OutputKey] = outputKey! },
            }));
        });

        var output = await Transform(stub.Url).CompactAsync(Compaction(new RecordingLease()), Ct);

        Assert.Equal([("silver/artists/compact=6/part-x.parquet", 5L), ("silver/albums/compact=6/part-y.parquet", 4L)], output.Added.Select(f => (f.Key, f.ToBatch!.Value)));
        Assert.Equal(LiveSilver, output.Superseded);
        Assert.False(output.OutputsExclusive);
        Assert.Contains("compaction.glue_run", output.StepSeconds.Keys);
        var usage = _usage.Take();
        Assert.Equal(240, usage.GlueRuns.Single().DpuSeconds);
        Assert.Equal(850, usage.BytesWritten);
    }

    [Fact]
    public async Task ExecuteAsync_ManyRawKeys_PassesAManifestObjectInsteadOfInlineKeys()
    {
        await using var stub = StartsAndEnds(Run(JobRunState.Timeout));
        var work = Work(300, new RecordingLease(), keyPadding: new string('x', 30));

        await Assert.ThrowsAsync<GlueJobRunFailedException>(() => Transform(stub.Url).ExecuteAsync(work, Ct));

        var args = stub.Requests.Single(r => r.Target == "AWSGlue.StartJobRun").Body.GetProperty("Arguments").Deserialize<Dictionary<string, string>>()!;
        Assert.False(args.ContainsKey("--raw_keys"));
        await using var manifest = await _lake.OpenReadAsync(args["--raw_keys_manifest"], Ct);
        var keys = (await JsonSerializer.DeserializeAsync<GlueRawKeys>(manifest, GlueJobJson.Options, Ct))!.RawKeys;
        Assert.Equal(work.Files.Select(f => f.Key), keys);
    }

    [Fact]
    public async Task ExecuteAsync_InheritedRunStillRunning_ReattachesWithoutStartingAnother()
    {
        var work = Work(1, NoLease.Instance);
        var fingerprint = GlueJobArguments.Fingerprint(work);
        var polls = 0;
        await using var stub = new AwsJsonStub(r => r.Target switch
        {
            "AWSGlue.GetJobRun" => (200, new GetJobRunResponse(new JobRun
            {
                Id = "jr_old",
                JobRunState = Interlocked.Increment(ref polls) < 3 ? JobRunState.Running : JobRunState.Error,
                ErrorMessage = "out of memory",
                Arguments = new() { ["--batch_seq"] = "3", ["--batch_fingerprint"] = fingerprint },
            })),
            _ => AwsJsonStub.Error(400, "InvalidInputException", "unexpected " + r.Target),
        });
        var lease = new RecordingLease(new LeaseDocument("dead", "run0", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "jr_old", 3));

        var e = await Assert.ThrowsAsync<GlueJobRunFailedException>(() => Transform(stub.Url).ExecuteAsync(work with { Lease = lease }, Ct));

        Assert.Equal("ERROR", e.State);
        Assert.DoesNotContain(stub.Requests, r => r.Target == "AWSGlue.StartJobRun");
        Assert.Equal([("jr_old", 3L), (null, 3L)], lease.Recorded);
    }

    [Fact]
    public async Task ResetAsync_BookmarksOff_CallsNoGlueOperation()
    {
        await using var stub = StartsAndEnds(Run(JobRunState.Failed));

        await Transform(stub.Url).ResetAsync(Ct);

        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task ExecuteAsync_FailedRunPublishedFiles_DeletesThemButNothingElse()
    {
        // A run that died after copying gold: its copies are in gold/, where Athena reads them, and no commit will name them.
        string[] published = ["silver/tracks/batch=3/part-a.parquet", "gold/spotify_tracks/release_year=2020/part-b.parquet"];
        const string committed = "gold/spotify_tracks/release_year=2020/part-committed.parquet";
        foreach (var key in published.Append(committed)) await _lake.PutAsync(key, new MemoryStream([1]), Ct);
        await using var stub = new AwsJsonStub(r =>
        {
            if (r.Target == "AWSGlue.GetJobRuns") return (200, new GetJobRunsResponse([], null));
            if (r.Target != "AWSGlue.StartJobRun") return (200, new GetJobRunResponse(Run(JobRunState.Timeout)));
            // The job writes publishing.json into the folder of the --output_key the worker passed, before its first copy.
            var output = r.Body.GetProperty("Arguments").GetProperty("--output_key").GetString()!;
            using var document = GlueJobJson.Serialize(new GluePublishing([.. published, "quarantine/tracks/batch=3/part-never-copied.parquet"]));
            _lake.PutAsync(output[..(output.LastIndexOf('/') + 1)] + GlueJobArguments.PublishingDocument, document, Ct).GetAwaiter().GetResult();
            return (200, new StartJobRunResponse("jr_1"));
        });

        await Assert.ThrowsAsync<GlueJobRunFailedException>(() => Transform(stub.Url).ExecuteAsync(Work(1, new RecordingLease()), Ct));

        Assert.All(published, key => Assert.Null(_lake.HeadAsync(key, Ct).GetAwaiter().GetResult()));
        Assert.NotNull(await _lake.HeadAsync(committed, Ct));
    }

    private static JobRun SucceededWithoutResult() => Run(JobRunState.Succeeded) with
    {
        Arguments = new Dictionary<string, string> { [GlueJobArguments.OutputKey] = GlueJobArguments.JobPrefix(3, "gone") + "output.json" },
    };

    [Fact]
    public async Task ExecuteAsync_SucceededRunWithoutResult_FailsNamingTheResultKeyAndTheJobScript()
    {
        await using var stub = StartsAndEnds(SucceededWithoutResult());

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => Transform(stub.Url).ExecuteAsync(Work(2, new RecordingLease()), Ct));

        Assert.Contains("output.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("spotify_etl.py", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_ResultGoneBecauseAnotherWorkerCommittedTheBatch_YieldsAsACommitConflict()
    {
        await using var stub = StartsAndEnds(SucceededWithoutResult());
        await _lake.PutJsonAsync(CommitLog.LogKey(3), new { Seq = 3 }, Ct);

        var e = await Assert.ThrowsAsync<CommitConflictException>(() => Transform(stub.Url).ExecuteAsync(Work(2, new RecordingLease()), Ct));

        Assert.Equal(3, e.Seq);
    }
}
