using System.CommandLine;
using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Aws.Athena;
using SpotifyWorker.Pipeline.Aws.Http;
using SpotifyWorker.Pipeline.Query;
using SpotifyWorker.Worker.Output;

namespace SpotifyWorker.Worker.Cli.Commands;

/// <summary><c>query "&lt;sql&gt;"</c>: SQL over spotify_tracks, quarantine, the silver tables and the analytics views.</summary>
public static class QueryCommand
{
    public static Command Create()
    {
        var sql = new Argument<string>("sql") { Description = "One SQL statement, e.g. \"SELECT * FROM top_artists_by_followers ORDER BY follower_rank LIMIT 10\"" };
        var format = GlobalOptions.NewFormat("table", "csv", "json");
        var command = new Command("query", "Run SQL against the committed tables and views") { sql, format };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = await PipelineHost.OpenLakeAsync(parse, cancellationToken).ConfigureAwait(false);
            QueryResult result;
            try
            {
                result = await host.Services.GetRequiredService<IQueryEngine>().QueryAsync(parse.GetValue(sql)!, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DuckDBException or AthenaQueryFailedException or InvalidRequestException)
            {
                throw new UsageException("The query failed: " + e.Message);
            }
            ResultWriter.Write([.. result.Columns.Select(c => c.Name)], result.Rows, parse.GetValue(format)!, parse.InvocationConfiguration.Output);
            return ExitCodes.Ok;
        });
        return command;
    }
}
