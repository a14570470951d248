using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Aws.Http;
using SpotifyWorker.Pipeline.Costs;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Aws.Glue;

/// <summary>
/// The AWS transform: one Glue job run per batch, and one per silver compaction (deploy/glue/spotify_etl.py, running
/// the shared SQL). The work goes to the job as arguments; the run id goes into the lease right after the start, so a worker that dies
/// mid-run is succeeded by one that re-attaches to the run instead of starting another (a RUNNING run of the same
/// batch found through GetJobRuns is adopted the same way). The job writes its files under new unique names and a
/// result document; nothing is visible until the orchestrator commits.
/// </summary>
public sealed partial class GlueJobTransform(
    IGlueClient glue,
    LakeStores stores,
    IOptions<AwsOptions> options,
    IOptions<PipelineOptions> pipeline,
    IFaultInjector faults,
    UsageMeter usage,
    TimeProvider time,
    ILogger<GlueJobTransform> logger) : ITransformEngine
{
    private AwsOptions Aws => options.Value;

    private string JobName => Aws.GlueJobName ?? throw new InvalidOperationException("Pipeline:Aws:GlueJobName is not set");

    public async Task<BatchOutput> ExecuteAsync(BatchWork work, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var job = new JobWork(
            work.Seq,
            $"batch {work.Seq}",
            GlueJobArguments.Fingerprint(work),
            work.Lease,
            work.Committed.Seq,
            [.. work.Committed.LiveFiles.Values.Where(f => f.Table != Tables.Quarantine)],
            work.Files.Count,
            (folder, arguments, ct) => AddRawInputAsync(work, folder, arguments, ct));
        var (result, location) = await RunJobAsync(job, cancellationToken).ConfigureAwait(false);
        var output = GlueJobResults.ToBatchOutput(result, work, location);
        LogFinished(job.Describe, result.Added.Count, result.GoldRowsWritten, clock.Elapsed.TotalSeconds);
        var steps = new Dictionary<string, double>(output.StepSeconds) { ["transform.glue_run"] = clock.Elapsed.TotalSeconds };
        // Another worker may have attached to this run (GetJobRuns, or the lease after a takeover) and be committing its files.
        return output with { StepSeconds = steps, OutputsExclusive = false };
    }

    /// <summary>
    /// A compaction is a run of the same job in compact mode (<see cref="GlueJobArguments.Mode"/>): its input is
    /// exactly the committed live silver files, passed as the committed state, so it reads nothing a listing would
    /// add (superseded or uncommitted files), and supersedes exactly what it read. Started, re-attached, polled,
    /// billed and cleaned up like a batch's run.
    /// </summary>
    public async Task<CompactionOutput> CompactAsync(CompactionWork work, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var inputs = GlueJobArguments.CompactionInputs(work.Committed);
        // Nothing to rewrite: no run, no DPUs (the orchestrator commits no empty compaction).
        if (inputs.Count == 0) return new CompactionOutput([], []);
        var job = new JobWork(
            work.Seq,
            $"compaction {work.Seq}",
            GlueJobArguments.Fingerprint(work),
            work.Lease,
            work.Committed.Seq,
            inputs,
            inputs.Count,
            (_, arguments, _) =>
            {
                arguments[GlueJobArguments.Mode] = GlueJobArguments.CompactMode;
                return Task.CompletedTask;
            });
        var (result, location) = await RunJobAsync(job, cancellationToken).ConfigureAwait(false);
        var output = GlueJobResults.ToCompactionOutput(result, work, location);
        LogFinished(job.Describe, result.Added.Count, 0, clock.Elapsed.TotalSeconds);
        var steps = new Dictionary<string, double>(output.StepSeconds) { ["compaction.glue_run"] = clock.Elapsed.TotalSeconds };
        return output with { StepSeconds = steps, OutputsExclusive = false };
    }

    /// <summary>
    /// One run of the job for a batch or a compaction, from start (or re-attach) to its result document: the run's
    /// DPU-seconds are metered whatever its end, the lease forgets it once it ended, and a failed run's published
    /// files are removed.
    /// </summary>
    private async Task<(GlueJobResult Result, string Location)> RunJobAsync(JobWork job, CancellationToken cancellationToken)
    {
        await DeleteFinishedJobDocumentsAsync(job.Seq, cancellationToken).ConfigureAwait(false);
        var run = await FindRunToAttachAsync(job, cancellationToken).ConfigureAwait(false)
            ?? await StartAsync(job, cancellationToken).ConfigureAwait(false);
        var finished = JobRunState.IsActive(run.JobRunState) ? await WaitAsync(run.Id, cancellationToken).ConfigureAwait(false) : run;
        // A failed run is billed too; a run inherited from a dead predecessor is counted here, since nobody else did.
        if (GlueJobUsage.Of(finished) is { } used) usage.RecordGlueRun(used);
        else LogNoCapacity(finished.Id);

        // Finished either way: a successor must not re-attach to it (its files may be garbage-collected by then).
        await job.Lease.RecordJobRunAsync(null, job.Seq, cancellationToken).ConfigureAwait(false);
        if (finished.JobRunState != JobRunState.Succeeded)
        {
            // Nobody commits a failed run, but its gold copies are in gold/ where Athena reads them: remove them now.
            await DeleteOutputsOfFailedRunAsync(finished.Id, GlueJobArguments.Get(finished, GlueJobArguments.OutputKey) ?? GlueJobArguments.Get(run, GlueJobArguments.OutputKey), cancellationToken).ConfigureAwait(false);
            throw new GlueJobRunFailedException(JobName, finished.Id, finished.JobRunState ?? "(no state)", finished.ErrorMessage);
        }
        var outputKey = GlueJobArguments.Get(finished, GlueJobArguments.OutputKey)
            ?? throw new InvalidDataException($"Glue job run {finished.Id} has no {GlueJobArguments.OutputKey} argument");
        GlueJobResult result;
        try
        {
            result = await ReadResultAsync(outputKey, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            if (await stores.Lake.HeadAsync(CommitLog.LogKey(job.Seq), cancellationToken).ConfigureAwait(false) is not null)
            {
                // Without the lease another worker committed this seq meanwhile and, on its next commit, removed these job documents.
                throw new CommitConflictException(job.Seq, stores.Lake.Describe(CommitLog.LogKey(job.Seq)));
            }
            throw new InvalidDataException($"Glue job run {finished.Id} of {JobName} SUCCEEDED but wrote no result to {stores.Lake.Describe(outputKey)}; is the job running deploy/glue/spotify_etl.py? Nothing of {job.Describe} is committed");
        }
        // The job's writes do not pass through the worker's S3 client; its result lists every file with its size.
        usage.RecordBytesWritten(result.Added.Sum(f => f.Bytes));
        return (result, stores.Lake.Describe(outputKey));
    }

    /// <summary>
    /// Nothing to reset for <c>reprocess</c>: job bookmarks are off (they track only DynamicFrame sources, and the
    /// job reads with boto3 and spark.read); the manifest alone chooses the files of a batch.
    /// </summary>
    public Task ResetAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The files a failed run published (named in its <c>publishing.json</c> before the first copy). The job deletes
    /// them itself when a copy fails; this covers a run that died, timed out or could not delete.
    /// </summary>
    private async Task DeleteOutputsOfFailedRunAsync(string runId, string? outputKey, CancellationToken cancellationToken)
    {
        if (outputKey is null) return;
        var publishingKey = outputKey[..(outputKey.LastIndexOf('/') + 1)] + GlueJobArguments.PublishingDocument;
        if (await stores.Lake.HeadAsync(publishingKey, cancellationToken).ConfigureAwait(false) is null) return;
        GluePublishing publishing;
        await using (var stream = await stores.Lake.OpenReadAsync(publishingKey, cancellationToken).ConfigureAwait(false))
        {
            publishing = await JsonSerializer.DeserializeAsync<GluePublishing>(stream, GlueJobJson.Options, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException($"{stores.Lake.Describe(publishingKey)} holds JSON null");
        }
        var deleted = 0;
        foreach (var key in publishing.Keys)
        {
            // The run may have died before copying some of them.
            if (await stores.Lake.HeadAsync(key, cancellationToken).ConfigureAwait(false) is null) continue;
            await stores.Lake.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            deleted++;
        }
        LogFailedRunOutputsDeleted(runId, deleted);
    }

    /// <summary>
    /// A run this work may take over: the one a dead predecessor recorded in the lease for this seq, or an
    /// active run of the job computing this very work. A run computing something else is waited out first.
    /// </summary>
    private async Task<JobRun?> FindRunToAttachAsync(JobWork work, CancellationToken cancellationToken)
    {
        var fingerprint = work.Fingerprint;
        if (work.Lease.Inherited is { JobRunId: { } inheritedId, JobRunSeq: var inheritedSeq } && inheritedSeq == work.Seq)
        {
            JobRun? inherited = null;
            try
            {
                inherited = (await glue.GetJobRunAsync(new GetJobRunRequest { JobName = JobName, RunId = inheritedId }, cancellationToken).ConfigureAwait(false)).JobRun;
            }
            catch (EntityNotFoundException)
            {
                LogInheritedGone(inheritedId);
            }
            if (inherited is not null && GlueJobArguments.Get(inherited, GlueJobArguments.BatchFingerprint) == fingerprint)
            {
                if (JobRunState.IsActive(inherited.JobRunState) || await SucceededWithOutputAsync(inherited, cancellationToken).ConfigureAwait(false))
                {
                    LogAttached(inherited.Id, work.Seq, inherited.JobRunState ?? "", "inherited from the lease");
                    await work.Lease.RecordJobRunAsync(inherited.Id, work.Seq, cancellationToken).ConfigureAwait(false);
                    return inherited;
                }
            }
        }

        foreach (var run in await ActiveRunsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (GlueJobArguments.SeqOf(run) == work.Seq && GlueJobArguments.Get(run, GlueJobArguments.BatchFingerprint) == fingerprint)
            {
                LogAttached(run.Id, work.Seq, run.JobRunState ?? "", "found running through GetJobRuns");
                await work.Lease.RecordJobRunAsync(run.Id, work.Seq, cancellationToken).ConfigureAwait(false);
                return run;
            }
            // Someone else's run (an older batch of a dead worker): let it end rather than run two jobs at once.
            LogWaitingForOtherRun(run.Id, GlueJobArguments.SeqOf(run), work.Seq);
            await WaitAsync(run.Id, cancellationToken).ConfigureAwait(false);
        }
        return null;
    }

    private async Task<bool> SucceededWithOutputAsync(JobRun run, CancellationToken cancellationToken)
    {
        if (run.JobRunState != JobRunState.Succeeded || GlueJobArguments.Get(run, GlueJobArguments.OutputKey) is not { } outputKey) return false;
        if (await stores.Lake.HeadAsync(outputKey, cancellationToken).ConfigureAwait(false) is null) return false;
        var result = await ReadResultAsync(outputKey, cancellationToken).ConfigureAwait(false);
        foreach (var file in result.Added)
        {
            if (await stores.Lake.HeadAsync(file.Key, cancellationToken).ConfigureAwait(false) is null) return false;
        }
        return true;
    }

    private async Task<IReadOnlyList<JobRun>> ActiveRunsAsync(CancellationToken cancellationToken)
    {
        var active = new List<JobRun>();
        string? token = null;
        // Runs come newest first; active ones are among the newest, so a few pages are plenty.
        for (var page = 0; page < 3; page++)
        {
            var response = await glue.GetJobRunsAsync(new GetJobRunsRequest { JobName = JobName, MaxResults = 50, NextToken = token }, cancellationToken).ConfigureAwait(false);
            active.AddRange((response.JobRuns ?? []).Where(r => JobRunState.IsActive(r.JobRunState)));
            token = response.NextToken;
            if (string.IsNullOrEmpty(token)) break;
        }
        return active;
    }

    private async Task<JobRun> StartAsync(JobWork work, CancellationToken cancellationToken)
    {
        var fingerprint = work.Fingerprint;
        var attempt = Guid.NewGuid().ToString("N")[..12];
        var folder = GlueJobArguments.JobPrefix(work.Seq, attempt);
        var committedKey = folder + "committed.json";
        var state = new GlueCommittedState(work.CommittedSeq, work.Inputs);
        using (var content = GlueJobJson.Serialize(state))
        {
            await stores.Lake.PutAsync(committedKey, content, cancellationToken).ConfigureAwait(false);
        }
        var sqlFolder = await GlueSqlUpload.EnsureAsync(stores.Lake, cancellationToken).ConfigureAwait(false);

        var arguments = new Dictionary<string, string>
        {
            [GlueJobArguments.BatchSeq] = work.Seq.ToString(CultureInfo.InvariantCulture),
            [GlueJobArguments.BatchFingerprint] = fingerprint,
            [GlueJobArguments.LakeBucket] = Aws.LakeBucket!,
            [GlueJobArguments.CommittedState] = committedKey,
            [GlueJobArguments.OutputKey] = folder + "output.json",
            [GlueJobArguments.SqlPrefix] = $"s3://{Aws.LakeBucket}/{Aws.LakePrefix}{sqlFolder}",
            [GlueJobArguments.ServerSideEncryption] = Aws.ServerSideEncryption,
            // Explicitly off, also for a job created by hand with bookmarks on (see GlueJobArguments.BookmarkDisabled).
            [GlueJobArguments.Bookmark] = GlueJobArguments.BookmarkDisabled,
        };
        if (Aws.KmsKeyId is not null) arguments[GlueJobArguments.KmsKeyId] = Aws.KmsKeyId;
        // Glue drops empty argument values, so an empty lake prefix is passed by leaving the argument out.
        if (Aws.LakePrefix.Length > 0) arguments[GlueJobArguments.LakePrefix] = Aws.LakePrefix;
        await work.AddArgumentsAsync(folder, arguments, cancellationToken).ConfigureAwait(false);

        var backoff = new PollBackoff(time, Aws.JobPollInterval, Aws.JobTimeout);
        while (true)
        {
            try
            {
                var started = await glue.StartJobRunAsync(new StartJobRunRequest { JobName = JobName, Arguments = arguments }, cancellationToken).ConfigureAwait(false);
                await work.Lease.RecordJobRunAsync(started.JobRunId, work.Seq, cancellationToken).ConfigureAwait(false);
                LogStarted(started.JobRunId, JobName, work.Describe, work.InputCount);
                return new JobRun { Id = started.JobRunId, JobRunState = JobRunState.Starting, Arguments = arguments };
            }
            catch (ConcurrentRunsExceededException) when (!backoff.Expired)
            {
                // Either our own start went through and only its answer was lost (adopt it), or another run holds the slot.
                var mine = (await ActiveRunsAsync(cancellationToken).ConfigureAwait(false))
                    .FirstOrDefault(r => GlueJobArguments.Get(r, GlueJobArguments.BatchFingerprint) == fingerprint);
                if (mine is not null)
                {
                    await work.Lease.RecordJobRunAsync(mine.Id, work.Seq, cancellationToken).ConfigureAwait(false);
                    LogAttached(mine.Id, work.Seq, mine.JobRunState ?? "", "its start answer was lost");
                    return mine;
                }
                LogJobBusy(JobName);
                await backoff.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Where a batch's raw files are, and their keys: inline while short, else through a manifest object in the run's folder.</summary>
    private async Task AddRawInputAsync(BatchWork work, string folder, Dictionary<string, string> arguments, CancellationToken cancellationToken)
    {
        arguments[GlueJobArguments.RawBucket] = Aws.RawBucket!;
        arguments[GlueJobArguments.RawPrefix] = pipeline.Value.RawPrefix;
        var keys = GlueJobArguments.InlineKeys(work.Files.OrderBy(f => f.Ordinal).Select(f => f.Key));
        if (keys.Length <= GlueJobArguments.InlineKeysLimit)
        {
            arguments[GlueJobArguments.RawKeys] = keys;
            return;
        }
        var manifestKey = folder + "input.json";
        using var content = GlueJobJson.Serialize(new GlueRawKeys([.. work.Files.OrderBy(f => f.Ordinal).Select(f => f.Key)]));
        await stores.Lake.PutAsync(manifestKey, content, cancellationToken).ConfigureAwait(false);
        arguments[GlueJobArguments.RawKeysManifest] = manifestKey;
    }

    private async Task<JobRun> WaitAsync(string runId, CancellationToken cancellationToken)
    {
        var backoff = new PollBackoff(time, Aws.JobPollInterval, Aws.JobTimeout);
        while (true)
        {
            await faults.AtAsync(FaultPoint.DuringGluePoll, cancellationToken).ConfigureAwait(false);
            var run = (await glue.GetJobRunAsync(new GetJobRunRequest { JobName = JobName, RunId = runId }, cancellationToken).ConfigureAwait(false)).JobRun;
            if (!JobRunState.IsActive(run.JobRunState)) return run;
            if (backoff.Expired)
            {
                throw new TimeoutException($"Glue job run {runId} of {JobName} is still {run.JobRunState} after {Aws.JobTimeout} (Pipeline:Aws:JobTimeout); the lease keeps its id, so the next run re-attaches to it");
            }
            await backoff.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The documents of batches before this one (committed, since this batch follows them) are no longer needed;
    /// deleting them each batch keeps <c>_pipeline/jobs/</c> to one or two batches.
    /// </summary>
    private async Task DeleteFinishedJobDocumentsAsync(long seq, CancellationToken cancellationToken)
    {
        var stale = new List<string>();
        await foreach (var info in stores.Lake.ListAsync(GlueJobArguments.JobsPrefix, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var folder = info.Key.AsSpan(GlueJobArguments.JobsPrefix.Length);
            var dash = folder.IndexOf('-');
            if (dash > 0 && long.TryParse(folder[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var jobSeq) && jobSeq < seq) stale.Add(info.Key);
        }
        foreach (var key in stale) await stores.Lake.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
    }

    private async Task<GlueJobResult> ReadResultAsync(string key, CancellationToken cancellationToken)
    {
        await using var stream = await stores.Lake.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        try
        {
            return await JsonSerializer.DeserializeAsync<GlueJobResult>(stream, GlueJobJson.Options, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException($"{stores.Lake.Describe(key)} holds JSON null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{stores.Lake.Describe(key)} is not a valid Glue job result: {e.Message}", e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Glue job run {RunId} of {JobName} started for {Work} ({Files} input files)")]
    private partial void LogStarted(string runId, string jobName, string work, int files);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-attached to Glue job run {RunId} ({State}) for seq {Seq}: {Why}; no second run is started")]
    private partial void LogAttached(string runId, long seq, string state, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Glue job run {RunId} named by the inherited lease no longer exists; starting a new run")]
    private partial void LogInheritedGone(string runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Glue job run {RunId} (seq {OtherSeq}) is still active; seq {Seq} waits for it to end before starting its own run")]
    private partial void LogWaitingForOtherRun(string runId, long? otherSeq, long seq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Glue job {JobName} has no free run slot (ConcurrentRunsExceededException); waiting")]
    private partial void LogJobBusy(string jobName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Glue job finished {Work}: {Files} files written, {GoldRows} gold rows, {Seconds:F1} s")]
    private partial void LogFinished(string work, int files, long goldRows, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Glue job run {RunId} reports neither DPUSeconds nor its capacity; its DPU-seconds and cost are not in the run's figures")]
    private partial void LogNoCapacity(string runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Glue job run {RunId} failed; deleted the {Files} files it had published")]
    private partial void LogFailedRunOutputsDeleted(string runId, int files);

    /// <summary>
    /// What a run needs beyond the common arguments: its seq (the commit it becomes), how logs name it, the hash a
    /// re-attaching worker matches, the committed files it reads, and the mode's own arguments.
    /// </summary>
    private sealed record JobWork(
        long Seq,
        string Describe,
        string Fingerprint,
        IRunLease Lease,
        long CommittedSeq,
        IReadOnlyList<DataFile> Inputs,
        int InputCount,
        Func<string, Dictionary<string, string>, CancellationToken, Task> AddArgumentsAsync);
}
