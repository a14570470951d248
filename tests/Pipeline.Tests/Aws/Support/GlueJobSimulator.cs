using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Aws.Glue;
using SpotifyWorker.Pipeline.Aws.S3;
using SpotifyWorker.Pipeline.DuckDb;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Tests.Aws.Support;

/// <summary>
/// Plays the Glue job's part, since moto runs no Spark: it watches the job's runs (GetJobRuns), and for each new
/// one reads the arguments as spotify_etl.py would, mirrors the raw files and the committed files from moto's S3
/// into a local folder, runs the same SQL through <see cref="DuckDbTransform"/> (a compaction too: the committed
/// state it is given holds exactly the silver files to compact), uploads the output files and the result document,
/// and only then lets moto move the run to SUCCEEDED. Job runs must be held in their first state
/// (glue::job_run "manual") while it works. A run whose job fails (a stale batch whose committed files a newer
/// commit has deleted, as the real job would fail) is ended too and reported FAILED through <see cref="Guard"/>.
/// </summary>
/// <remarks>
/// moto moves job runs only through its global transition, which completes every active run it is asked about.
/// The job allows one run at a time (MaxConcurrentRuns 1, as deployed), so only the played run is active when
/// the simulator flips the transition; but a worker's StartJobRun and a status read arriving during the flip
/// would start a run and complete it unplayed. Several workers therefore reach Glue through <see cref="Guard"/>,
/// whose calls never overlap a flip.
/// </remarks>
public sealed class GlueJobSimulator : IAsyncDisposable
{
    private readonly MotoServer _moto;
    private readonly MotoAws _aws;
    private readonly TempDirectory _dir = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, bool> _seen = new();
    private readonly ConcurrentDictionary<string, string> _failed = new();
    private readonly SemaphoreSlim _flip = new(1, 1);
    private readonly Task _loop;

    public GlueJobSimulator(MotoServer moto, MotoAws aws)
    {
        _moto = moto;
        _aws = aws;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Job runs this simulator completed, in order.</summary>
    public ConcurrentQueue<string> Completed { get; } = new();

    /// <summary>The first failure of the simulated job, so that a test fails with it rather than with a timeout.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Job runs whose job failed, with the reason.</summary>
    public IReadOnlyDictionary<string, string> Failed => _failed;

    /// <summary>A worker's Glue client whose calls never overlap the simulator's transition flip, and which reports failed runs as FAILED.</summary>
    public IGlueClient Guard(IGlueClient worker) => new GuardedGlueClient(worker, this);

    /// <summary>When false, runs are seen but left running (a job that outlives the worker).</summary>
    public bool Enabled { get; set; } = true;

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (Enabled)
                {
                    var runs = await _aws.Glue.GetJobRunsAsync(new GetJobRunsRequest { JobName = MotoAws.JobName }, _stop.Token);
                    foreach (var run in (runs.JobRuns ?? []).Where(r => JobRunState.IsActive(r.JobRunState)))
                    {
                        if (!_seen.TryAdd(run.Id, true)) continue;
                        try
                        {
                            await RunJobAsync(run, _stop.Token);
                        }
                        catch (Exception e) when (!_stop.IsCancellationRequested)
                        {
                            Failure ??= e;
                            _failed[run.Id] = e.Message;
                        }
                        await CompleteAsync(run.Id, _stop.Token);
                        Completed.Enqueue(run.Id);
                    }
                }
                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Failure ??= e;
                return;
            }
        }
    }

    private async Task RunJobAsync(JobRun run, CancellationToken cancellationToken)
    {
        string Arg(string key) => GlueJobArguments.Get(run, key) ?? throw new InvalidOperationException($"job run {run.Id} lacks {key}");
        var lake = new S3ObjectStore(_aws.S3, Arg(GlueJobArguments.LakeBucket), GlueJobArguments.Get(run, GlueJobArguments.LakePrefix) ?? "", new S3StoreSettings(), TimeProvider.System);
        var seq = long.Parse(Arg(GlueJobArguments.BatchSeq), System.Globalization.CultureInfo.InvariantCulture);
        var committed = await ReadAsync<GlueCommittedState>(lake, Arg(GlueJobArguments.CommittedState), cancellationToken);

        var local = new LocalObjectStore(_dir.Combine(run.Id));
        // As the job does: exactly the files the worker passed, never a listing of the lake's folders.
        foreach (var file in committed.Files) await CopyAsync(lake, local, file.Key, cancellationToken);
        var result = GlueJobArguments.Get(run, GlueJobArguments.Mode) switch
        {
            null => await PlayBatchAsync(run, Arg, lake, local, seq, committed, cancellationToken),
            GlueJobArguments.CompactMode => GlueJobResults.FromCompactionOutput(seq, await Transform(local, "").CompactAsync(
                new CompactionWork(seq, "glue-" + run.Id, ParquetLake.State(committed.Seq, [.. committed.Files]), NoLease.Instance), cancellationToken)),
            var mode => throw new InvalidOperationException($"job run {run.Id} has unknown {GlueJobArguments.Mode} {mode}"),
        };
        foreach (var added in result.Added) await CopyAsync(local, lake, added.Key, cancellationToken);
        using var document = GlueJobJson.Serialize(result);
        await lake.PutAsync(Arg(GlueJobArguments.OutputKey), document, cancellationToken);
    }

    private async Task<GlueJobResult> PlayBatchAsync(
        JobRun run, Func<string, string> arg, S3ObjectStore lake, LocalObjectStore local, long seq, GlueCommittedState committed, CancellationToken cancellationToken)
    {
        var raw = new S3ObjectStore(_aws.S3, arg(GlueJobArguments.RawBucket), "", new S3StoreSettings(), TimeProvider.System);
        var rawPrefix = arg(GlueJobArguments.RawPrefix);
        var keys = GlueJobArguments.Get(run, GlueJobArguments.RawKeys) is { } inline
            ? JsonSerializer.Deserialize<List<string>>(inline)!
            : [.. (await ReadAsync<GlueRawKeys>(lake, arg(GlueJobArguments.RawKeysManifest), cancellationToken)).RawKeys];
        var files = new List<BatchFile>();
        foreach (var (key, index) in keys.Select((k, i) => (k, i)))
        {
            var info = await CopyAsync(raw, local, key, cancellationToken);
            if (!RawKeys.TryGetEntity(rawPrefix, key, out var entity)) throw new InvalidOperationException($"{key} is not a raw input");
            files.Add(new BatchFile(key, info.ETag, info.Size, info.LastModified, entity, index + 1));
        }
        var state = ParquetLake.State(committed.Seq, [.. committed.Files]);
        var output = await Transform(local, rawPrefix).ExecuteAsync(new BatchWork(seq, "glue-" + run.Id, files, state, NoLease.Instance), cancellationToken);
        return GlueJobResults.FromBatchOutput(seq, output);
    }

    private static readonly DuckDbOptions SimulatedJob = new() { MemoryLimit = "256MB", Threads = 1 };

    private static DuckDbTransform Transform(LocalObjectStore local, string rawPrefix) => new(
        new LakeStores(local, rawPrefix, local),
        Options.Create(SimulatedJob),
        NoFaults.Instance,
        NoProgress.Instance,
        NullLogger<DuckDbTransform>.Instance);

    /// <summary>Moves the run (the only active one: MaxConcurrentRuns 1) to SUCCEEDED, with no guarded call in between.</summary>
    private async Task CompleteAsync(string runId, CancellationToken cancellationToken)
    {
        await _flip.WaitAsync(cancellationToken);
        try
        {
            await _moto.SetTransitionAsync("glue::job_run", "immediate");
            await _aws.Glue.GetJobRunAsync(new GetJobRunRequest { JobName = MotoAws.JobName, RunId = runId }, cancellationToken);
            await _moto.SetTransitionAsync("glue::job_run", "manual");
        }
        finally
        {
            _flip.Release();
        }
    }

    private static async Task<T> ReadAsync<T>(IObjectStore store, string key, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(key, cancellationToken);
        return (await JsonSerializer.DeserializeAsync<T>(stream, GlueJobJson.Options, cancellationToken))!;
    }

    private static async Task<ObjectInfo> CopyAsync(IObjectStore from, IObjectStore to, string key, CancellationToken cancellationToken)
    {
        await using var stream = await from.OpenReadAsync(key, cancellationToken);
        await to.PutAsync(key, stream, cancellationToken);
        return (await from.HeadAsync(key, cancellationToken))!;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        _flip.Dispose();
        _dir.Dispose();
    }

    private sealed class GuardedGlueClient(IGlueClient inner, GlueJobSimulator simulator) : IGlueClient
    {
        public Task<StartJobRunResponse> StartJobRunAsync(StartJobRunRequest request, CancellationToken cancellationToken) =>
            GuardAsync(() => inner.StartJobRunAsync(request, cancellationToken), cancellationToken);

        public async Task<GetJobRunResponse> GetJobRunAsync(GetJobRunRequest request, CancellationToken cancellationToken) =>
            new(Reported((await GuardAsync(() => inner.GetJobRunAsync(request, cancellationToken), cancellationToken)).JobRun));

        public async Task<GetJobRunsResponse> GetJobRunsAsync(GetJobRunsRequest request, CancellationToken cancellationToken)
        {
            var response = await GuardAsync(() => inner.GetJobRunsAsync(request, cancellationToken), cancellationToken);
            return response with { JobRuns = response.JobRuns?.Select(Reported).ToList() };
        }

        public Task<StartCrawlerResponse> StartCrawlerAsync(StartCrawlerRequest request, CancellationToken cancellationToken) =>
            inner.StartCrawlerAsync(request, cancellationToken);

        public Task<GetCrawlerResponse> GetCrawlerAsync(GetCrawlerRequest request, CancellationToken cancellationToken) =>
            inner.GetCrawlerAsync(request, cancellationToken);

        public Task<GetTableResponse> GetTableAsync(GetTableRequest request, CancellationToken cancellationToken) =>
            inner.GetTableAsync(request, cancellationToken);

        public Task<GetPartitionsResponse> GetPartitionsAsync(GetPartitionsRequest request, CancellationToken cancellationToken) =>
            inner.GetPartitionsAsync(request, cancellationToken);

        private JobRun Reported(JobRun run) =>
            run.JobRunState == JobRunState.Succeeded && simulator._failed.TryGetValue(run.Id, out var reason)
                ? run with { JobRunState = JobRunState.Failed, ErrorMessage = reason }
                : run;

        private async Task<T> GuardAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
        {
            await simulator._flip.WaitAsync(cancellationToken);
            try
            {
                return await call();
            }
            finally
            {
                simulator._flip.Release();
            }
        }
    }
}
