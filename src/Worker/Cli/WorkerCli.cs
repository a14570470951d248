using System.CommandLine;
using SpotifyWorker.Worker.Cli.Commands;

namespace SpotifyWorker.Worker.Cli;

/// <summary>The command line: global options, verbs, and the mapping of failures to exit codes.</summary>
public static class WorkerCli
{
    public static RootCommand Create()
    {
        var root = new RootCommand("SpotifyWorker: raw Spotify CSV drops to a partitioned, query-ready lake, incrementally.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.Options.Add(GlobalOptions.Lake);
        root.Options.Add(GlobalOptions.LogFormat);
        foreach (var command in new[]
        {
            RunCommand.Create(),
            RunOnceCommand.Create(),
            PlanCommand.Create(),
            StatusCommand.Create(),
            HealthCommand.Create(),
            QueryCommand.Create(),
            GenerateCommand.Create(),
            DemoCommand.Create(),
            ReprocessCommand.Create(),
            CompactCommand.Create(),
            ReportCommand.Create(),
            UnlockCommand.Create(),
        })
        {
            command.TreatUnmatchedTokensAsErrors = false;
            root.Subcommands.Add(command);
        }
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var root = Create();
        var parse = root.Parse(args);
        error ??= Console.Error;
        var unexpected = parse.UnmatchedTokens.Where(t => !t.StartsWith("--", StringComparison.Ordinal) || !t.Contains(':', StringComparison.Ordinal)).ToList();
        if (parse.Errors.Count > 0 || unexpected.Count > 0)
        {
            foreach (var problem in parse.Errors) await error.WriteLineAsync(problem.Message).ConfigureAwait(false);
            foreach (var token in unexpected) await error.WriteLineAsync($"Unrecognized argument '{token}' (settings go as --Section:Key=value, e.g. --Pipeline:Batch:MaxFiles=10)").ConfigureAwait(false);
            return ExitCodes.BadUsage;
        }
        try
        {
            var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            // The service's host handles SIGTERM itself; the other verbs get a cancelled token and finish at a safe point.
            configuration.ProcessTerminationTimeout = parse.CommandResult.Command.Name == Commands.RunCommand.Name ? null : TimeSpan.FromSeconds(25);
            if (output is not null) configuration.Output = output;
            configuration.Error = error;
            return await parse.InvokeAsync(configuration).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return ExitCodes.BadUsage;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("Cancelled.").ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        catch (Exception e)
        {
            await error.WriteLineAsync($"Failed: {e.GetType().Name}: {e.Message}").ConfigureAwait(false);
            return ExitCodes.RunFailed;
        }
    }
}
