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
/// into a local folder, runs the same SQL through <see cref="DuckDbTransform"/>, uploads the output files and the
/// result document, and only then lets moto move the run to SUCCEEDED. Job runs must be held in their first state
/// (glue::job_run "manual") while it works.
/// </summary>
public sealed class GlueJobSimulator : IAsyncDisposable
{
    private readonly MotoServer _moto;
    private readonly MotoAws _aws;
    private readonly TempDirectory _dir = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, bool> _seen = new();
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
                        await RunJobAsync(run, _stop.Token);
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
        var settings = new S3StoreSettings();
        var raw = new S3ObjectStore(_aws.S3, Arg(GlueJobArguments.RawBucket), "", settings, TimeProvider.System);
        var lake = new S3ObjectStore(_aws.S3, Arg(GlueJobArguments.LakeBucket), GlueJobArguments.Get(run, GlueJobArguments.LakePrefix) ?? "", settings, TimeProvider.System);
        var rawPrefix = Arg(GlueJobArguments.RawPrefix);
        var seq = long.Parse(Arg(GlueJobArguments.BatchSeq), System.Globalization.CultureInfo.InvariantCulture);

        var keys = GlueJobArguments.Get(run, GlueJobArguments.RawKeys) is { } inline
            ? JsonSerializer.Deserialize<List<string>>(inline)!
            : [.. (await ReadAsync<GlueRawKeys>(lake, Arg(GlueJobArguments.RawKeysManifest), cancellationToken)).RawKeys];
        var committed = await ReadAsync<GlueCommittedState>(lake, Arg(GlueJobArguments.CommittedState), cancellationToken);

        var local = new LocalObjectStore(_dir.Combine(run.Id));
        var files = new List<BatchFile>();
        foreach (var (key, index) in keys.Select((k, i) => (k, i)))
        {
            var info = await CopyAsync(raw, local, key, cancellationToken);
            if (!RawKeys.TryGetEntity(rawPrefix, key, out var entity)) throw new InvalidOperationException($"{key} is not a raw input");
            files.Add(new BatchFile(key, info.ETag, info.Size, info.LastModified, entity, index + 1));
        }
        foreach (var file in committed.Files) await CopyAsync(lake, local, file.Key, cancellationToken);
        var state = ParquetLake.State(committed.Seq, [.. committed.Files]);

        var transform = new DuckDbTransform(
            new LakeStores(local, rawPrefix, local),
            Options.Create(new DuckDbOptions { MemoryLimit = "256MB", Threads = 1 }),
            NoFaults.Instance,
            NoProgress.Instance,
            NullLogger<DuckDbTransform>.Instance);
        var output = await transform.ExecuteAsync(new BatchWork(seq, "glue-" + run.Id, files, state, NoLease.Instance), cancellationToken);
        foreach (var added in output.Added) await CopyAsync(local, lake, added.Key, cancellationToken);
        using (var result = GlueJobJson.Serialize(GlueJobResults.FromBatchOutput(seq, output)))
        {
            await lake.PutAsync(Arg(GlueJobArguments.OutputKey), result, cancellationToken);
        }

        // Only this run exists while the worker waits for it, so flipping the global transition completes just it.
        await _moto.SetTransitionAsync("glue::job_run", "immediate");
        await _aws.Glue.GetJobRunAsync(new GetJobRunRequest { JobName = MotoAws.JobName, RunId = run.Id }, cancellationToken);
        await _moto.SetTransitionAsync("glue::job_run", "manual");
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
        _dir.Dispose();
    }
}
