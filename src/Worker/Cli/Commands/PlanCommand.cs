using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Worker.Output;

namespace SpotifyWorker.Worker.Cli.Commands;

/// <summary><c>plan</c>: the dry run. Lists which files the next run would process in which batch; writes nothing.</summary>
public static class PlanCommand
{
    public static Command Create()
    {
        var format = GlobalOptions.NewFormat("table", "csv", "json");
        var command = new Command("plan", "Show which raw files the next run would process, batch by batch (writes nothing)") { format };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = await PipelineHost.OpenLakeAsync(parse, cancellationToken).ConfigureAwait(false);
            var plan = await host.Services.GetRequiredService<PipelineRunner>().PlanAsync(cancellationToken).ConfigureAwait(false);
            var rows = plan.Batches
                .SelectMany(b => b.Files.Select(f => new object?[] { b.Seq, f.Entity.ToString().ToLowerInvariant(), f.Object.Key, f.Object.Size, f.Object.LastModified, null }))
                .ToList();
            var notInputs = plan.Ignored.Select(n => new object?[] { null, null, n.Object.Key, n.Object.Size, n.Object.LastModified, n.Reason }).ToList();
            var output = parse.InvocationConfiguration.Output;
            string[] columns = ["batch", "entity", "key", "bytes", "last_modified", "not_input_because"];
            if (parse.GetValue(format) != "table")
            {
                // One row per raw object: machine readers get the ignored ones too, with an empty batch.
                ResultWriter.Write(columns, [.. rows, .. notInputs], parse.GetValue(format)!, output);
                return ExitCodes.Ok;
            }
            ResultWriter.Write(columns[..^1], [.. rows.Select(r => r[..^1])], "table", output);
            output.WriteLine($"{plan.Batches.Count} batch(es) after commit {plan.CommittedSeq}; {plan.Ignored.Count} object(s) under the raw prefix are not inputs");
            if (notInputs.Count > 0)
            {
                output.WriteLine();
                output.WriteLine("Not inputs (left where they are, never read):");
                ResultWriter.Write(["key", "bytes", "because"], [.. plan.Ignored.Select(n => new object?[] { n.Object.Key, n.Object.Size, n.Reason })], "table", output);
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
