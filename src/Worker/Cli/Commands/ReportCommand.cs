using System.CommandLine;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Reporting;

namespace SpotifyWorker.Worker.Cli.Commands;

/// <summary><c>report [--out report.html]</c>: the analytics views and the pipeline's health as one self-contained HTML page.</summary>
public static class ReportCommand
{
    public const string DefaultFile = "report.html";

    public static Command Create()
    {
        var outFile = new Option<string>("--out") { Description = "Where to write the HTML file (relative to the current directory)", DefaultValueFactory = _ => DefaultFile };
        var command = new Command("report", "Write an HTML report (charts of the analytics views, pipeline health) that opens without network access") { outFile };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = await PipelineHost.OpenLakeAsync(parse, cancellationToken).ConfigureAwait(false);
            var path = await WriteAsync(host.Services, parse.GetValue(outFile)!, cancellationToken).ConfigureAwait(false);
            parse.InvocationConfiguration.Output.WriteLine($"Report written to {path}");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Loads the report's data through the configured engines, renders it and writes it; returns the absolute path.</summary>
    public static async Task<string> WriteAsync(IServiceProvider services, string path, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full);
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new UsageException($"--out {path}: the folder {directory} does not exist");
        }
        var data = await services.GetRequiredService<ReportDataLoader>().LoadAsync(cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(full, ReportBuilder.Render(data), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken).ConfigureAwait(false);
        return full;
    }
}
