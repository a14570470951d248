using SpotifyWorker.Worker.Cli;

return await WorkerCli.RunAsync(args).ConfigureAwait(false);
