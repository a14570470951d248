using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Query;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Worker.Output;

namespace SpotifyWorker.Worker.Cli.Commands;

/// <summary><c>demo</c>: a small sample into an empty lake, one run, a look at the views, and the HTML report.</summary>
public static class DemoCommand
{
    private static readonly (string Title, string Sql)[] Views =
    [
        ("Top artists by followers", "SELECT follower_rank, artist_name, followers, artist_popularity, track_count FROM top_artists_by_followers ORDER BY follower_rank LIMIT 10"),
        ("Releases and average popularity by year (last 10 years)", "SELECT * FROM releases_by_year ORDER BY release_year DESC LIMIT 10"),
        ("Popularity by genre (most tracks)", "SELECT * FROM popularity_by_genre ORDER BY track_count DESC, genre LIMIT 10"),
        ("Album type mix", "SELECT * FROM album_type_mix ORDER BY album_count DESC"),
    ];

    public static Command Create()
    {
        var layout = GenerateCommand.NewLayout();
        var command = new Command("demo", "Generate about 5,000 tracks into an empty lake, run once, and show a few analytics views") { layout };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = await PipelineHost.OpenLakeAsync(parse, cancellationToken, showProgress: true, emitMetrics: false).ConfigureAwait(false);
            var output = parse.InvocationConfiguration.Output;
            var stores = host.Services.GetRequiredService<LakeStores>();
            var hasRaw = await stores.Raw.ListAsync(stores.RawPrefix, cancellationToken: cancellationToken).AnyAsync(cancellationToken).ConfigureAwait(false);
            if (hasRaw)
            {
                output.WriteLine($"{stores.Raw.Describe(stores.RawPrefix)} already has raw files: not generating, processing what is new.");
            }
            else
            {
                var report = await SpotifyDataGenerator.GenerateAsync(stores.Raw, stores.RawPrefix, new GenerationOptions { Scale = GenerationOptions.DemoScale, Drops = 2, Seed = 2023, Layout = GenerateCommand.LayoutOf(parse.GetValue(layout)) }, cancellationToken).ConfigureAwait(false);
                GenerateCommand.Print(report, stores, output);
            }

            var summary = await RunOnceCommand.RunAsync(host.Services, cancellationToken).ConfigureAwait(false);
            SummaryPrinter.Print(summary, output);
            if (summary.Outcome == RunOutcome.Failed) return ExitCodes.RunFailed;

            var query = host.Services.GetRequiredService<IQueryEngine>();
            foreach (var (title, sql) in Views)
            {
                var result = await query.QueryAsync(sql, cancellationToken).ConfigureAwait(false);
                output.WriteLine();
                output.WriteLine(title);
                ResultWriter.Write([.. result.Columns.Select(c => c.Name)], result.Rows, "table", output);
            }
            // The lake folder is the one place the demo owns, so the report goes there rather than into the caller's folder.
            var reportPath = await ReportCommand.WriteAsync(host.Services, Path.Combine(host.Services.GetRequiredService<IOptions<PipelineOptions>>().Value.Lake, ReportCommand.DefaultFile), cancellationToken).ConfigureAwait(false);
            output.WriteLine();
            output.WriteLine($"Report: {reportPath}");
            output.WriteLine($"Explore further: dotnet run --project src/Worker -- query \"SELECT * FROM explicit_share_by_year ORDER BY release_year\" --lake {stores.Lake.Describe("").TrimEnd('/')}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
