using SpotifyWorker.Bench;

// bench/run.sh runs the whole benchmark; "floor" is the child process that runs a plain DuckDB floor script (floor.sql, floor_drop.sql) under GNU time.
return args.Length > 0 && args[0] == "floor"
    ? FloorScript.Run(args[1..])
    : await BenchRunner.RunAsync(BenchOptions.Parse(args)).ConfigureAwait(false);
