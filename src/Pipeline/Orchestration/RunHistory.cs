using Microsoft.Extensions.Logging;
using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>
/// The summary of every run, one small object per run under <c>_pipeline/runs/</c>. The commit log only knows
/// runs that committed; on-call also needs the runs that found nothing new or failed. Run ids start with
/// their UTC start time, so key order is time order.
/// </summary>
public sealed partial class RunHistory(LakeStores stores, ILogger<RunHistory> logger)
{
    public const string Prefix = "_pipeline/runs/";

    /// <summary>Records a run; a failure to record is logged, never fatal (the run's own outcome stands).</summary>
    public async Task RecordAsync(RunSummary summary)
    {
        try
        {
            await stores.Lake.PutJsonAsync(Prefix + summary.RunId + ".json", summary, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogRecordFailed(e, summary.RunId);
        }
    }

    /// <summary>
    /// The runs started at or after <paramref name="since"/>, oldest first. Keys sort by start time, so the
    /// listing starts right there; the small objects are read a few at a time.
    /// </summary>
    public async Task<IReadOnlyList<RunSummary>> ReadSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var startAfter = Prefix + PipelineRunner.RunIdTime(since.AddSeconds(-1));
        var keys = new List<string>();
        await foreach (var info in stores.Lake.ListAsync(Prefix, startAfter, cancellationToken).ConfigureAwait(false))
        {
            keys.Add(info.Key);
        }
        var runs = new RunSummary[keys.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, keys.Count),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) => runs[i] = await stores.Lake.ReadJsonAsync<RunSummary>(keys[i], ct).ConfigureAwait(false)).ConfigureAwait(false);
        return [.. runs.Where(r => r.StartedAt >= since)];
    }

    /// <summary>The newest <paramref name="count"/> runs, newest first.</summary>
    public async Task<IReadOnlyList<RunSummary>> ReadRecentAsync(int count, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await foreach (var info in stores.Lake.ListAsync(Prefix, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            keys.Add(info.Key);
        }
        var runs = new List<RunSummary>();
        foreach (var key in Enumerable.Reverse(keys).Take(count))
        {
            runs.Add(await stores.Lake.ReadJsonAsync<RunSummary>(key, cancellationToken).ConfigureAwait(false));
        }
        return runs;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the summary of run {RunId} in the run history")]
    private partial void LogRecordFailed(Exception exception, string runId);
}
