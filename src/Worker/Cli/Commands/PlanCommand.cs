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
            using var host = PipelineHost.Build(parse);
            var plan = await host.Services.GetRequiredService<PipelineRunner>().PlanAsync(cancellationToken).ConfigureAwait(false);
            var rows = plan.Batches
                .SelectMany(b => b.Files.Select(f => new object?[] { b.Seq, f.Entity.ToString().ToLowerInvariant(), f.Object.Key, f.Object.Size, f.Object.LastModified }))
                .ToList();
            var output = parse.InvocationConfiguration.Output;
            ResultWriter.Write(["batch", "entity", "key", "bytes", "last_modified"], rows, parse.GetValue(format)!, output);
            if (parse.GetValue(format) == "table")
            {
                output.WriteLine($"{plan.Batches.Count} batch(es) after commit {plan.CommittedSeq}; {plan.Ignored.Count} object(s) under the raw prefix are not inputs");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
