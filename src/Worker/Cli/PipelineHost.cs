using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;
using SpotifyWorker.Pipeline;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Worker.Output;

namespace SpotifyWorker.Worker.Cli;

/// <summary>
/// Builds the generic host a verb runs in. Configuration, later wins: appsettings.json (next to the
/// executable), environment variables (Pipeline__Batch__MaxFiles), command line (--Pipeline:Batch:MaxFiles=10, --lake).
/// Options are validated here, before the verb does anything.
/// </summary>
public static class PipelineHost
{
    /// <param name="emitMetrics">
    /// Whether a run writes its CloudWatch EMF line to the verb's standard output (where CloudWatch Logs reads it from
    /// the container); off for <c>demo</c>, whose output is read by a person.
    /// </param>
    public static IHost Build(ParseResult parse, bool logToStdout = false, Action<HostApplicationBuilder>? configure = null, bool showProgress = false, bool emitMetrics = true)
    {
        // Without the defaults: they add the sources below plus appsettings.{Environment}.json and DOTNET_ host settings,
        // which the worker does not document, with file watchers for reloads it does not do, and four logging providers
        // that Serilog replaces. Building the host took about 6 ms less of every verb's start.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
            .AddEnvironmentVariables()
            .AddCommandLine([.. parse.UnmatchedTokens]);
        var lake = parse.GetValue(GlobalOptions.Lake);
        if (lake is not null) builder.Configuration.AddInMemoryCollection([new("Pipeline:Lake", lake)]);

        // With a progress bar on screen only warnings are logged; otherwise progress itself is logged.
        var progressBar = showProgress && TerminalProgress.IsInteractive;
        if (progressBar) builder.Services.AddSingleton<IRunProgress, TerminalProgress>();
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog((services, logger) => logger
            .MinimumLevel.Is(progressBar ? LogEventLevel.Warning : LogEventLevel.Information)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Quartz", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Console(Formatter(parse.GetValue(GlobalOptions.LogFormat)), standardErrorFromLevel: logToStdout ? null : LogEventLevel.Verbose));

        builder.Services.AddPipeline(builder.Configuration);
        var metricsOutput = emitMetrics ? parse.InvocationConfiguration.Output : TextWriter.Null;
        builder.Services.Replace(ServiceDescriptor.Singleton(sp => new EmfMetrics(metricsOutput, sp.GetRequiredService<TimeProvider>())));
        configure?.Invoke(builder);
        IHost? host = null;
        try
        {
            // Building may already read options (the host's shutdown timeout comes from Pipeline:Health).
            host = builder.Build();
            host.Services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (OptionsValidationException e)
        {
            host?.Dispose();
            throw new UsageException("Invalid configuration: " + string.Join("; ", e.Failures));
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // The binder's own message names the value and the key: "Failed to convert configuration value 'x' at 'Pipeline:Backend' to type ...".
            host?.Dispose();
            throw new UsageException("Invalid configuration: " + e.Message);
        }
        return host;
    }

    /// <summary>
    /// <see cref="Build"/> for a verb that opens the lake: a lake in a format newer than this worker knows is refused
    /// (<see cref="LakeFormatException"/>, exit 2) before the verb reads or writes anything else in it.
    /// </summary>
    public static async Task<IHost> OpenLakeAsync(
        ParseResult parse, CancellationToken cancellationToken, bool logToStdout = false, Action<HostApplicationBuilder>? configure = null, bool showProgress = false, bool emitMetrics = true)
    {
        var host = Build(parse, logToStdout, configure, showProgress, emitMetrics);
        try
        {
            await LakeFormat.EnsureSupportedAsync(host.Services.GetRequiredService<LakeStores>().Lake, cancellationToken).ConfigureAwait(false);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private static ITextFormatter Formatter(string? format) => format == "text"
        ? new MessageTemplateTextFormatter("[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}")
        : new RenderedCompactJsonFormatter();
}
