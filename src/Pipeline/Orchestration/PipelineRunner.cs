using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Catalog;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Query;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>
/// One run of the pipeline, written once against the four backend interfaces:
/// load manifest -> clean up -> scan raw -> plan batches -> per batch: transform -> verify -> commit ->
/// delete superseded -> then refresh catalog and views. A crash at any point leaves the last committed
/// state readable; the next run deletes what no commit names and redoes what was not committed.
/// </summary>
public sealed partial class PipelineRunner(
    LakeStores stores,
    CommitLog log,
    ITransformEngine transform,
    ICatalog catalog,
    IQueryEngine query,
    GarbageCollector garbage,
    IOptions<PipelineOptions> pipeline,
    IOptions<BatchOptions> batching,
    IOptions<CompactionOptions> compaction,
    IFaultInjector faults,
    IRunProgress progress,
    TimeProvider time,
    ILogger<PipelineRunner> logger)
{
    public const string RefreshMarkerKey = "_pipeline/refresh.json";

    public static string NewRunId(TimeProvider time) => RunIdTime(time.GetUtcNow()) + "-" + Guid.NewGuid().ToString("N")[..6];

    /// <summary>The start-time part of run ids, which makes their key order time order.</summary>
    public static string RunIdTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>What a run would do, without writing anything (the <c>plan</c> verb).</summary>
    public async Task<RunPlan> PlanAsync(CancellationToken cancellationToken)
    {
        var state = await log.LoadAsync(cancellationToken).ConfigureAwait(false);
        var (found, ignored) = await BatchPlanner.ScanAsync(stores.Raw, pipeline.Value.RawPrefix, state, cancellationToken).ConfigureAwait(false);
        var batches = ReplayPlanner.Plan(state, found, batching.Value).Batches;
        return new RunPlan(state.Seq, [.. batches.Select((b, i) => new PlannedBatch(state.Seq + i + 1, b))], ignored);
    }

    /// <summary>Runs once; never throws for a failed run (the summary says so). The caller holds the lease.</summary>
    public async Task<RunSummary> RunOnceAsync(string runId, IRunLease lease, CancellationToken cancellationToken)
    {
        // Each batch's BatchOutput.Closing: awaited before the engine's next batch or compaction, and before the run ends.
        var closings = new List<Task>();
        try
        {
            return await RunOnceAsync(runId, lease, closings, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await Task.WhenAll(closings).ConfigureAwait(false);
        }
    }

    private async Task<RunSummary> RunOnceAsync(string runId, IRunLease lease, List<Task> closings, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var steps = new Dictionary<string, double>();
        var batches = new List<BatchSummary>();
        var compactions = new List<CompactionSummary>();
        var state = ManifestState.Empty;
        var ignored = 0;
        RunSummary Finish(RunOutcome outcome, string? error = null) => new(
            runId, outcome, started, time.GetUtcNow(), state.Seq, batches, state.RowsOf(Tables.Gold), steps, ignored, NewestRawTime(state), error)
        {
            Compactions = compactions,
        };
        try
        {
            state = await TimedAsync(steps, "load", () => log.LoadAsync(cancellationToken)).ConfigureAwait(false);
            var loaded = state;
            await TimedAsync(steps, "cleanup", () => garbage.CollectAsync(loaded, cancellationToken)).ConfigureAwait(false);
            // After the cleanup, which deletes at once what the last commit superseded, and before the first batch.
            state = await LakeUpgrade.ToCurrentAsync(log, state, runId, time, logger).ConfigureAwait(false);
            var (found, ignoredKeys) = await TimedAsync(steps, "scan", () => BatchPlanner.ScanAsync(stores.Raw, pipeline.Value.RawPrefix, loaded, cancellationToken)).ConfigureAwait(false);
            ignored = ignoredKeys.Count;
            if (ignored > 0) LogIgnored(ignored, pipeline.Value.RawPrefix, ListNotInputs(ignoredKeys));

            var replay = ReplayPlanner.Plan(loaded, found, batching.Value);
            if (replay.Missing.Count > 0) LogReplayMissing(replay.Missing.Count, string.Join("; ", replay.Missing.Take(10).Select(v => $"{v.Key} ({v.ETag})")));
            var plan = replay.Batches;
            // A compaction due after the last committed batch (its run was interrupted) comes first, so the batches
            // that follow are numbered as they would have been.
            (state, var pending) = await CompactIfDueAsync(runId, lease, state, steps, closings, cancellationToken).ConfigureAwait(false);
            if (pending is not null) compactions.Add(pending);
            foreach (var batch in plan)
            {
                progress.Phase($"batch {batches.Count + 1} of {plan.Count}: staging {batch.Count} raw files", batch.Sum(f => f.Object.Size));
                cancellationToken.ThrowIfCancellationRequested(); // a safe point: nothing of the next batch exists yet
                var (next, summary) = await RunBatchAsync(runId, lease, state, batch, steps, closings, cancellationToken).ConfigureAwait(false);
                state = next;
                batches.Add(summary);
                (state, var compacted) = await CompactIfDueAsync(runId, lease, state, steps, closings, cancellationToken).ConfigureAwait(false);
                if (compacted is not null) compactions.Add(compacted);
            }

            if (batches.Count > 0 || compactions.Count > 0 || await RefreshNeededAsync(state, cancellationToken).ConfigureAwait(false))
            {
                await RefreshAsync(state, steps, cancellationToken).ConfigureAwait(false);
            }
            return Finish(batches.Count > 0 || compactions.Count > 0 ? RunOutcome.Succeeded : RunOutcome.NothingNew);
        }
        catch (CommitConflictException e)
        {
            LogYielded(e.Seq);
            return Finish(RunOutcome.Yielded, e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Finish(RunOutcome.Cancelled, "cancelled at a safe point; the next run resumes");
        }
        catch (Exception e)
        {
            LogRunError(e);
            return Finish(RunOutcome.Failed, e.Message);
        }
    }

    private async Task<(ManifestState State, BatchSummary Summary)> RunBatchAsync(
        string runId, IRunLease lease, ManifestState state, IReadOnlyList<NewFile> batch, Dictionary<string, double> steps, List<Task> closings, CancellationToken cancellationToken)
    {
        var seq = state.Seq + 1;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["BatchSeq"] = seq });
        var files = BatchPlanner.Number(batch);
        LogBatchStarted(seq, files.Count, files.Sum(f => f.Size));

        await Task.WhenAll(closings).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var output = await transform.ExecuteAsync(new BatchWork(seq, runId, files, state, lease), cancellationToken).ConfigureAwait(false);
        closings.Add(output.Closing);
        var transformSeconds = clock.Elapsed.TotalSeconds;
        Add(steps, "transform", transformSeconds);
        foreach (var (step, seconds) in output.StepSeconds) Add(steps, step, seconds);

        clock.Restart();
        try
        {
            await faults.AtAsync(FaultPoint.AfterTransform, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (output.OutputsExclusive) await DiscardAsync(output.Added).ConfigureAwait(false);
            throw;
        }
        var entry = new CommitEntry(
            seq,
            Guid.NewGuid().ToString("N"),
            runId,
            time.GetUtcNow(),
            [.. output.Files.Select(r => new RawFileRecord(r.File.Key, r.File.ETag, r.File.Size, r.File.LastModified, r.File.Entity, seq, r.RowsRead, r.RowsRejected, r.Outcome, r.Reason))],
            output.Added,
            output.Superseded,
            new BatchStats(
                output.Files.Sum(f => f.RowsRead),
                output.Files.Sum(f => f.RowsRejected),
                output.GoldRowsWritten,
                state.RowsOf(Tables.Gold) - state.LiveFiles.Values.Where(f => output.Superseded.Contains(f.Key)).Sum(f => f.Rows) + output.Added.Where(f => f.Table == Tables.Gold).Sum(f => f.Rows),
                output.PartitionsRewritten,
                transformSeconds));
        progress.Phase($"committing batch {seq}");
        var next = await PublishAsync(state, entry, output.OutputsExclusive, cancellationToken).ConfigureAwait(false);
        var commitSeconds = clock.Elapsed.TotalSeconds;
        Add(steps, "commit", commitSeconds);

        var summary = new BatchSummary(
            seq,
            files.Count,
            output.Files.Count(f => f.Outcome == FileOutcome.Quarantined),
            entry.Stats.RowsRead,
            entry.Stats.RowsRejected,
            output.GoldRowsWritten,
            output.PartitionsRewritten,
            transformSeconds,
            commitSeconds);
        LogBatchCommitted(seq, summary.Files, summary.FilesQuarantined, summary.RowsRead, summary.RowsRejected, summary.GoldRowsWritten, summary.PartitionsRewritten.Count, entry.Stats.GoldRowsTotal);
        foreach (var quarantined in output.Files.Where(f => f.Outcome == FileOutcome.Quarantined))
        {
            LogFileQuarantined(quarantined.File.Key, quarantined.Reason ?? "");
        }
        return (next, summary);
    }

    /// <summary>
    /// Publishes what a batch or a compaction wrote: verifies the added files, commits the entry with put-if-absent,
    /// then deletes the files it superseded. Files certainly not committed by us (no attempt, or a lost race) are
    /// removed when exclusive; after any other commit error the entry may have landed (a lost response), so they
    /// stay and a later run decides.
    /// </summary>
    private async Task<ManifestState> PublishAsync(ManifestState state, CommitEntry entry, bool outputsExclusive, CancellationToken cancellationToken)
    {
        ManifestState next;
        var commitAttempted = false;
        try
        {
            await VerifyAsync(entry.Added, cancellationToken).ConfigureAwait(false);
            await faults.AtAsync(FaultPoint.BeforeCommit, cancellationToken).ConfigureAwait(false);
            // The commit itself is not cancelled half-way: once started it either lands or loses the race.
            commitAttempted = true;
            next = await log.CommitAsync(state, entry, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (!commitAttempted || e is CommitConflictException)
        {
            if (outputsExclusive) await DiscardAsync(entry.Added).ConfigureAwait(false);
            throw;
        }
        await faults.AtAsync(FaultPoint.AfterCommit, cancellationToken).ConfigureAwait(false);

        await faults.AtAsync(FaultPoint.BeforeSupersededDelete, cancellationToken).ConfigureAwait(false);
        foreach (var key in entry.Removed)
        {
            await stores.Lake.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
        }
        await faults.AtAsync(FaultPoint.AfterSupersededDelete, cancellationToken).ConfigureAwait(false);
        return next;
    }

    /// <summary>Every file the commit will name must exist whole before the commit names it.</summary>
    private async Task VerifyAsync(IReadOnlyList<DataFile> added, CancellationToken cancellationToken)
    {
        foreach (var file in added)
        {
            var info = await stores.Lake.HeadAsync(file.Key, cancellationToken).ConfigureAwait(false);
            if (info is null || info.Size != file.Bytes)
            {
                throw new InvalidDataException($"Output {stores.Lake.Describe(file.Key)} is {(info is null ? "missing" : $"{info.Size} bytes, expected {file.Bytes}")}; it is not committed");
            }
        }
    }

    private async Task DiscardAsync(IReadOnlyList<DataFile> files)
    {
        foreach (var file in files)
        {
            try
            {
                await stores.Lake.DeleteAsync(file.Key, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The garbage collector of a later run removes it.
            }
        }
    }

    private async Task RefreshAsync(ManifestState state, Dictionary<string, double> steps, CancellationToken cancellationToken)
    {
        progress.Phase("refreshing catalog and views");
        await faults.AtAsync(FaultPoint.BeforeCatalogRefresh, cancellationToken).ConfigureAwait(false);
        // Views that read the committed files' list (DuckDB's) are built beside the catalog's refresh, each on a core of
        // its own (started on the pool: opening its DuckDB session is synchronous); views that read the catalog's tables
        // (Athena's) wait for it. Its time goes to a dictionary of its own while both run, and both are awaited whatever
        // fails first.
        var catalogSteps = new Dictionary<string, double>();
        var catalogRun = Task.Run(() => TimedAsync(catalogSteps, "catalog", () => catalog.RefreshAsync(state, cancellationToken)), cancellationToken);
        if (query.ViewsReadCatalog) await catalogRun.ConfigureAwait(false);
        var viewsRun = RefreshViewsAsync(state, steps, cancellationToken);
        try
        {
            await Task.WhenAll(catalogRun, viewsRun).ConfigureAwait(false);
        }
        finally
        {
            foreach (var (step, seconds) in catalogSteps) Add(steps, step, seconds);
        }
        foreach (var change in (await catalogRun.ConfigureAwait(false)).Changes)
        {
            LogSchemaChanged(change.Table, change.Version, string.Join(", ", change.Added), string.Join(", ", change.Changed), string.Join(", ", change.Removed));
        }
        // Athena bills by bytes scanned; the summary carries it beside the step times (a count, not seconds).
        if (query is IDataScanMeter meter) steps["views.scanned_bytes"] = meter.TakeBytesScanned();
        await stores.Lake.PutJsonAsync(RefreshMarkerKey, new RefreshMarker(state.Seq, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
    }

    private async Task RefreshViewsAsync(ManifestState state, Dictionary<string, double> steps, CancellationToken cancellationToken)
    {
        await faults.AtAsync(FaultPoint.BeforeViewRefresh, cancellationToken).ConfigureAwait(false);
        await TimedAsync(steps, "views", async () =>
        {
            await query.RefreshViewsAsync(state, cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    /// <summary>A run that crashed after its commit but before the refresh leaves the marker behind the log.</summary>
    private async Task<bool> RefreshNeededAsync(ManifestState state, CancellationToken cancellationToken)
    {
        if (state.Seq == 0) return false;
        var (marker, _) = await stores.Lake.TryReadJsonAsync<RefreshMarker>(RefreshMarkerKey, cancellationToken).ConfigureAwait(false);
        return marker is null || marker.Seq < state.Seq;
    }

    private static DateTimeOffset? NewestRawTime(ManifestState state) =>
        state.Files.Count == 0 ? null : state.Files.Values.Max(f => f.LastModified);

    private static async Task<T> TimedAsync<T>(Dictionary<string, double> steps, string step, Func<Task<T>> action)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            return await action().ConfigureAwait(false);
        }
        finally
        {
            Add(steps, step, clock.Elapsed.TotalSeconds);
        }
    }

    private static void Add(Dictionary<string, double> steps, string step, double seconds) =>
        steps[step] = steps.GetValueOrDefault(step) + seconds;

    internal sealed record RefreshMarker(long Seq, DateTimeOffset RefreshedAt);

    /// <summary>Each ignored object with its reason, the first few only: the warning repeats every run, <c>plan</c> lists all.</summary>
    private static string ListNotInputs(IReadOnlyList<NotInput> ignored)
    {
        const int Shown = 10;
        var listed = string.Join("; ", ignored.Take(Shown).Select(n => $"{n.Object.Key} ({n.Reason})"));
        return ignored.Count > Shown ? $"{listed}; and {ignored.Count - Shown} more (plan lists them all)" : listed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored {Count} objects under {RawPrefix} that are not inputs: {NotInputs}")]
    private partial void LogIgnored(int count, string rawPrefix, string notInputs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {Seq}: transforming {Files} raw files ({Bytes} bytes)")]
    private partial void LogBatchStarted(long seq, int files, long bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {Seq} committed: {Files} files ({FilesQuarantined} quarantined), {RowsRead} rows read, {RowsRejected} rejected, {GoldRowsWritten} gold rows written in {Partitions} partitions, {GoldRowsTotal} gold rows in total")]
    private partial void LogBatchCommitted(long seq, int files, int filesQuarantined, long rowsRead, long rowsRejected, long goldRowsWritten, int partitions, long goldRowsTotal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Quarantined file {Key}: {Reason}. It is not retried until its content changes")]
    private partial void LogFileQuarantined(string key, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schema of {Table} changed to version {Version}: added [{Added}], changed [{Changed}], removed [{Removed}]")]
    private partial void LogSchemaChanged(string table, int version, string added, string changed, string removed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Another worker committed batch {Seq} first; this run yields and publishes nothing")]
    private partial void LogYielded(long seq);

    [LoggerMessage(Level = LogLevel.Error, Message = "Run failed")]
    private partial void LogRunError(Exception exception);
}

/// <summary>A batch the next run would process.</summary>
public sealed record PlannedBatch(long Seq, IReadOnlyList<NewFile> Files);

/// <summary>The dry run's answer.</summary>
public sealed record RunPlan(long CommittedSeq, IReadOnlyList<PlannedBatch> Batches, IReadOnlyList<NotInput> Ignored);
