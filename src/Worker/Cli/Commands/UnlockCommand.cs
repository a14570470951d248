using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Worker.Output;

namespace SpotifyWorker.Worker.Cli.Commands;

/// <summary>
/// <c>unlock [&lt;lease-id&gt; [--force]]</c>, after <c>terraform force-unlock</c>: without an id it shows the lease
/// (holder, run id, acquire time, expiry, whether the holder looks alive); with the id of the lease (its run id) it
/// removes that lease and only that one, by a conditional delete. A holder that looks alive needs <c>--force</c>.
/// </summary>
public static class UnlockCommand
{
    public static Command Create()
    {
        var leaseId = new Argument<string?>("lease-id") { Description = "The run id the lease shows (unlock without it prints it)", Arity = ArgumentArity.ZeroOrOne };
        var force = new Option<bool>("--force") { Description = "Remove the lease even though its holder looks alive (it then stops at its next renewal)" };
        var command = new Command("unlock", "Show who holds the lake's lease; with its id, remove a stuck lease") { leaseId, force };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = await PipelineHost.OpenLakeAsync(parse, cancellationToken).ConfigureAwait(false);
            var leases = host.Services.GetRequiredService<LeaseManager>();
            var output = parse.InvocationConfiguration.Output;
            var id = parse.GetValue(leaseId);
            if (id is null)
            {
                var state = await leases.InspectAsync(cancellationToken).ConfigureAwait(false);
                ResultWriter.Write(["", "value"], [.. Facts(state).Select(f => new object?[] { f.Name, f.Value })], "table", output);
                if (state.IsHeld) output.WriteLine($"To remove it: unlock {state.Holder!.RunId}{(state.LooksAlive ? " --force (the holder looks alive: make sure it is stuck first)" : "")}");
                return ExitCodes.Ok;
            }

            var result = await leases.UnlockAsync(id, parse.GetValue(force), cancellationToken).ConfigureAwait(false);
            var holder = result.State.Holder;
            output.WriteLine(result.Outcome switch
            {
                UnlockOutcome.Removed => $"Removed the lease of {LeaseState.Describe(holder!)}; the next run takes the lake."
                    + (result.State.LooksAlive ? " The holder looked alive: it loses the lease at its next renewal and stops at a safe point." : ""),
                UnlockOutcome.NothingToUnlock => $"Nothing to unlock: {result.State.Reason}.",
                UnlockOutcome.OtherLease => $"Not removed: the lease is now held by {LeaseState.Describe(holder!)}, not run {id}; run unlock to see it.",
                _ => $"Refusing to remove the lease of {LeaseState.Describe(holder!)}: the holder looks alive ({result.State.Reason}). "
                    + $"If it is stuck, stop it, or run unlock {id} --force.",
            });
            return result.Outcome is UnlockOutcome.Removed or UnlockOutcome.NothingToUnlock ? ExitCodes.Ok : ExitCodes.RunFailed;
        });
        return command;
    }

    /// <summary>The lease as <c>unlock</c> and <c>status</c> show it.</summary>
    public static IEnumerable<(string Name, object? Value)> Facts(LeaseState state)
    {
        if (state.Holder is not { } holder)
        {
            yield return ("lease", "none: " + state.Reason);
            yield break;
        }
        yield return ("lease id (run)", holder.RunId);
        yield return ("holder", holder.Owner);
        yield return ("where", holder.Location ?? "unknown");
        yield return ("acquired", LeaseState.Time(holder.AcquiredAt));
        yield return ("expires", LeaseState.Time(holder.ExpiresAt));
        yield return ("holder state", $"{Verdict(state)}: {state.Reason}");
        if (holder.JobRunId is not null) yield return ("glue job run", $"{holder.JobRunId} (batch {holder.JobRunSeq})");
    }

    private static string Verdict(LeaseState state) => state.Verdict switch
    {
        HolderVerdict.Alive => "alive",
        HolderVerdict.Silent => "looks dead (holds until expiry)",
        HolderVerdict.ProcessGone => "dead (the next run takes over at once)",
        _ => "not held",
    };
}
