using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Worker.Output;

namespace SpotifyWorker.Worker.Cli.Commands;

/// <summary><c>generate</c>: synthetic drops in the Kaggle "Spotify Dataset 2023" layout under the raw prefix.</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var scale = new Option<double>("--scale") { Description = "1 is the Kaggle size (438,938 tracks, 37,000 artists); 0.0114 is about 5,000 tracks", DefaultValueFactory = _ => 1.0 };
        var drops = new Option<int>("--drops") { Description = "Split into this many incremental drops (updates and late dimensions included)", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "Seed: the same options give byte-identical files", DefaultValueFactory = _ => 0 };
        var dirty = new Option<bool>("--dirty") { Description = "Add bad rows and bad files, each with its expected outcome in the report" };
        var gzip = new Option<bool>("--gzip") { Description = "Write .csv.gz files" };
        var report = new Option<string?>("--report") { Description = "Write the generation report (files, expected gold rows, injected defects) as JSON to this path" };
        var layout = NewLayout();
        var command = new Command("generate", "Write synthetic Kaggle-format drops into the raw prefix of the lake") { scale, drops, seed, dirty, gzip, layout, report };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new GenerationOptions
            {
                Scale = parse.GetValue(scale),
                Drops = parse.GetValue(drops),
                Seed = parse.GetValue(seed),
                Dirty = parse.GetValue(dirty),
                Gzip = parse.GetValue(gzip),
                Layout = LayoutOf(parse.GetValue(layout)),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new UsageException($"Invalid --{e.ParamName?.ToLowerInvariant()}: {e.Message.Split(" (Parameter")[0]}");
            }
            using var host = PipelineHost.Build(parse);
            var stores = host.Services.GetRequiredService<LakeStores>();
            var result = await SpotifyDataGenerator.GenerateAsync(stores.Raw, stores.RawPrefix, options, cancellationToken).ConfigureAwait(false);
            Print(result, stores, parse.InvocationConfiguration.Output);
            if (parse.GetValue(report) is { } path)
            {
                await File.WriteAllTextAsync(path, System.Text.Json.JsonSerializer.Serialize(result, StoreJson.Options), cancellationToken).ConfigureAwait(false);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>--layout folders|kaggle</c>, shared with <c>demo</c>.</summary>
    public static Option<string> NewLayout()
    {
        var option = new Option<string>("--layout")
        {
            Description = "folders: <entity>/drop-NNNN/<entity>-NNNN.csv; kaggle: the Kaggle download's file names (spotify-albums_data_2023.csv, ...) at the raw root",
            DefaultValueFactory = _ => "folders",
        };
        option.AcceptOnlyFromAmong("folders", "kaggle");
        return option;
    }

    public static RawLayout LayoutOf(string? value) => value == "kaggle" ? RawLayout.Kaggle : RawLayout.EntityFolders;

    public static void Print(GenerationReport report, LakeStores stores, TextWriter output)
    {
        ResultWriter.Write(
            ["drop", "entity", "key", "rows", "bytes"],
            [.. report.Files.Select(f => new object?[] { f.Drop, f.Entity.ToString().ToLowerInvariant(), f.Key, f.Rows, f.Bytes })],
            "table",
            output);
        output.WriteLine($"Wrote {report.Files.Count} files ({report.TotalBytes:N0} bytes) under {stores.Raw.Describe(stores.RawPrefix)}");
        output.WriteLine($"Expected spotify_tracks rows after each drop: {string.Join(", ", report.GoldRowsAfterDrop)}");
        if (report.InjectedRows.Count + report.InjectedFiles.Count > 0)
        {
            output.WriteLine($"Injected {report.InjectedRows.Count} bad rows and {report.InjectedFiles.Count(f => f.MustBeQuarantined)} bad files (see --report for where)");
        }
    }
}
