using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Orchestration;

namespace SpotifyWorker.Worker.Cli.Commands;

/// <summary>
/// <c>compact</c>: compacts silver now, under the lease, whatever <c>Pipeline:Compaction</c> says (runs compact on
/// their own when it says so). Exit 0 when compacted or already compact; 1 when the lease is held or it failed.
/// </summary>
public static class CompactCommand
{
    public static Command Create()
    {
        var command = new Command("compact", "Rewrite each entity's live silver into one base of current versions now, as one commit");
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = PipelineHost.Build(parse);
            var services = host.Services;
            var runId = "compact-" + PipelineRunner.NewRunId(services.GetRequiredService<TimeProvider>());
            var (lease, refusal) = await services.GetRequiredService<LeaseManager>().AcquireAsync(LeaseManager.ProcessOwner, runId, cancellationToken).ConfigureAwait(false);
            if (lease is null)
            {
                parse.InvocationConfiguration.Output.WriteLine(refusal!.YieldLine() + "; compact again when its run has finished");
                return ExitCodes.RunFailed;
            }
            CompactionSummary? summary;
            await using (lease.ConfigureAwait(false))
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
                summary = await services.GetRequiredService<PipelineRunner>().CompactNowAsync(runId, lease, linked.Token).ConfigureAwait(false);
            }
            parse.InvocationConfiguration.Output.WriteLine(summary is null
                ? "Silver is already compact (one base per entity, no delta files); nothing committed."
                : $"Committed {summary.Seq}: {summary.BasesWritten} silver bases with {summary.RowsKept} current rows replace {summary.FilesSuperseded} files ({summary.Seconds:F2} s).");
            return ExitCodes.Ok;
        });
        return command;
    }
}
