using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Orchestration;

namespace SpotifyWorker.Worker.Cli.Commands;

/// <summary><c>reprocess --from &lt;batch&gt; | --all</c>: make processed raw files new again.</summary>
public static class ReprocessCommand
{
    public static Command Create()
    {
        var from = new Option<long?>("--from") { Description = "First batch (commit seq) whose raw files are processed again" };
        var all = new Option<bool>("--all") { Description = "Process every raw file again (same as --from 1)" };
        var command = new Command("reprocess", "Forget what was processed from a batch on, so the next run processes those raw files again") { from, all };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var first = parse.GetValue(all) ? 1 : parse.GetValue(from) ?? throw new UsageException("reprocess needs --from <batch> or --all");
            using var host = await PipelineHost.OpenLakeAsync(parse, cancellationToken).ConfigureAwait(false);
            ReprocessResult result;
            try
            {
                result = await host.Services.GetRequiredService<Reprocessor>().ReprocessFromAsync(first, cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new UsageException(e.Message.Split(" (Parameter")[0]);
            }
            parse.InvocationConfiguration.Output.WriteLine(
                $"Committed {result.CommitSeq}: {result.RawFilesForgotten} raw file versions from batch {result.FromBatch} on are new again; " +
                $"{result.DataFilesRemoved} data files removed. The next run (run-once, or the schedule) processes them and rebuilds gold.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
