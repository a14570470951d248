using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Costs;
using SpotifyWorker.Pipeline.Orchestration.Service;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Worker.Output;

namespace SpotifyWorker.Worker.Cli.Commands;

/// <summary><c>status</c>: what the lake holds and what the last runs did, for on-call.</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var format = GlobalOptions.NewFormat("table", "json");
        var command = new Command("status", "Show the last runs, file and row counts, data freshness and quarantine") { format };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = await PipelineHost.OpenLakeAsync(parse, cancellationToken).ConfigureAwait(false);
            var status = await LakeStatus.ReadAsync(host.Services, cancellationToken).ConfigureAwait(false);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(format) == "json")
            {
                output.WriteLine(JsonSerializer.Serialize(status, StoreJson.Options));
                return ExitCodes.Ok;
            }
            ResultWriter.Write(["", "value"], [.. status.Facts().Select(f => new object?[] { f.Name, f.Value })], "table", output);
            ResultWriter.Write(
                ["run", "outcome", "started", "seconds", "files", "quarantined", "rows read", "rejected", "gold rows written", "cost USD", "error"],
                [.. status.LastRuns.Select(r => new object?[] { r.RunId, r.Outcome.ToString(), r.StartedAt, Math.Round(r.DurationSeconds, 2), r.FilesProcessed, r.FilesQuarantined, r.RowsRead, r.RowsRejected, r.GoldRowsWritten, CostText(r.Cost), r.Error })],
                "table",
                output);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string CostText(RunCost? cost) => cost switch
    {
        null => "",
        { Backend: RunCost.LocalBackend } => "n/a (local)",
        _ => cost.EstimatedCostUsd.ToString("F4", System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>The facts <c>status</c> shows, as one record so that JSON and table output agree.</summary>
public sealed record LakeStatus(
    string Lake,
    long LastCommit,
    DateTimeOffset? LastCommitAt,
    int RawFilesProcessed,
    int RawFilesQuarantined,
    long GoldRows,
    int GoldPartitions,
    long QuarantinedRows,
    DateTimeOffset? NewestRawFileTime,
    double? DataFreshnessSeconds,
    DateTimeOffset? NextScheduledRun,
    IReadOnlyList<RunSummary> LastRuns,
    CostTotal Cost30Days)
{
    /// <summary>The period of the cost total that <c>status</c> shows.</summary>
    public static readonly TimeSpan CostPeriod = TimeSpan.FromDays(30);

    /// <summary>The lake's lease and the verdict on its holder (unlock shows it in full).</summary>
    public LeaseState? Lease { get; init; }

    public static async Task<LakeStatus> ReadAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var state = await services.GetRequiredService<CommitLog>().LoadAsync(cancellationToken).ConfigureAwait(false);
        var history = services.GetRequiredService<RunHistory>();
        var runs = await history.ReadRecentAsync(10, cancellationToken).ConfigureAwait(false);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var costSince = now - CostPeriod;
        var cost = CostTotal.Of(costSince, await history.ReadSinceAsync(costSince, cancellationToken).ConfigureAwait(false));
        var newest = state.Files.Count == 0 ? (DateTimeOffset?)null : state.Files.Values.Max(f => f.LastModified);
        return new LakeStatus(
            services.GetRequiredService<LakeStores>().Lake.Describe(""),
            state.Seq,
            state.LastCommitAt,
            state.Files.Values.Count(f => f.Outcome == FileOutcome.Processed),
            state.Files.Values.Count(f => f.Outcome == FileOutcome.Quarantined),
            state.RowsOf(Tables.Gold),
            state.FilesOf(Tables.Gold).Select(f => f.ReleaseYear).Distinct().Count(),
            state.RowsOf(Tables.Quarantine),
            newest,
            newest is null ? null : Math.Round((now - newest.Value).TotalSeconds),
            services.GetRequiredService<IOptions<ScheduleOptions>>().Value.NextRun(now),
            runs,
            cost)
        {
            Lease = await services.GetRequiredService<LeaseManager>().InspectAsync(cancellationToken).ConfigureAwait(false),
        };
    }

    public IEnumerable<(string Name, object? Value)> Facts()
    {
        yield return ("lake", Lake);
        yield return ("last commit", LastCommit == 0 ? "none yet" : $"{LastCommit} at {ResultWriter.Text(LastCommitAt)}");
        yield return ("raw files processed", RawFilesProcessed);
        yield return ("raw files quarantined", RawFilesQuarantined);
        yield return ("gold rows", GoldRows);
        yield return ("gold partitions", GoldPartitions);
        yield return ("quarantined rows", QuarantinedRows);
        yield return ("lease", Lease is { IsHeld: true, Holder: { } holder }
            ? $"held by {LeaseState.Describe(holder)} until {LeaseState.Time(holder.ExpiresAt)}; {(Lease.LooksAlive ? "alive" : "looks dead")}: {Lease.Reason}"
            : "free: " + Lease?.Reason);
        yield return ("next scheduled run", NextScheduledRun is null ? "never" : ResultWriter.Text(NextScheduledRun) + " (when the service runs)");
        yield return ("estimated cost, last 30 days", Cost30Days.ToString());
        yield return ("newest committed raw file", NewestRawFileTime is null ? "none" : $"{ResultWriter.Text(NewestRawFileTime)} ({TimeSpan.FromSeconds(DataFreshnessSeconds ?? 0):d\\.hh\\:mm\\:ss} ago)");
    }
}
