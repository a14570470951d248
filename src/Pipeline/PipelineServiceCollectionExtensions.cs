using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Aws;
using SpotifyWorker.Pipeline.Aws.Athena;
using SpotifyWorker.Pipeline.Aws.Glue;
using SpotifyWorker.Pipeline.Catalog;
using SpotifyWorker.Pipeline.Costs;
using SpotifyWorker.Pipeline.DuckDb;
using SpotifyWorker.Pipeline.Query;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Orchestration.Service;
using SpotifyWorker.Pipeline.Reporting;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline;

public static class PipelineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the pipeline: options (validated at start), the stores of the configured backend, the commit
    /// log, the engines and the runner. Backends are chosen by <c>Pipeline:Backend</c>.
    /// </summary>
    public static IServiceCollection AddPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PipelineOptions>(configuration, PipelineOptions.Section);
        services.AddValidatedOptions<BatchOptions>(configuration, BatchOptions.Section);
        services.AddValidatedOptions<CompactionOptions>(configuration, CompactionOptions.Section);
        services.AddValidatedOptions<ManifestOptions>(configuration, ManifestOptions.Section);
        services.AddValidatedOptions<DuckDbOptions>(configuration, DuckDbOptions.Section);
        services.AddValidatedOptions<LeaseOptions>(configuration, LeaseOptions.Section);
        services.AddValidatedOptions<ScheduleOptions>(configuration, ScheduleOptions.Section);
        services.AddValidatedOptions<HealthOptions>(configuration, HealthOptions.Section);
        services.AddValidatedOptions<CostOptions>(configuration, CostOptions.Section);

        services.TryAddSingleton(TimeProvider.System);
        // Test only: SPOTIFYWORKER_FAULT_KILL_AT makes the process kill itself at a fault point (see EnvironmentFaultInjector).
        if (EnvironmentFaultInjector.FromEnvironment() is { } kill) services.TryAddSingleton<IFaultInjector>(kill);
        services.TryAddSingleton<IFaultInjector>(NoFaults.Instance);
        services.TryAddSingleton<IRunProgress, LoggingProgress>();
        services.TryAddSingleton<UsageMeter>();
        services.TryAddSingleton<CostCalculator>();
        services.AddAwsBackend(configuration);
        // The backend is chosen when the services are first resolved, from the validated options.
        services.TryAddSingleton(sp => IsAws(sp) ? AwsServiceCollectionExtensions.CreateStores(sp) : CreateLocalStores(sp.GetRequiredService<IOptions<PipelineOptions>>().Value));
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<CommitLog>(sp, sp.GetRequiredService<LakeStores>().Lake));
        services.TryAddSingleton<ITransformEngine>(sp => IsAws(sp) ? sp.GetRequiredService<GlueJobTransform>() : ActivatorUtilities.CreateInstance<DuckDbTransform>(sp));
        services.TryAddSingleton<ICatalog>(sp => IsAws(sp) ? sp.GetRequiredService<GlueCrawlerCatalog>() : ActivatorUtilities.CreateInstance<LocalCatalog>(sp));
        services.TryAddSingleton<IQueryEngine>(sp => IsAws(sp) ? sp.GetRequiredService<AthenaQueryEngine>() : ActivatorUtilities.CreateInstance<DuckDbQueryEngine>(sp));
        services.TryAddSingleton<GarbageCollector>();
        services.TryAddSingleton<RunHistory>();
        services.TryAddSingleton<LeaseManager>();
        services.TryAddSingleton(sp => new EmfMetrics(Console.Out, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<RunCoordinator>();
        services.TryAddSingleton<Reprocessor>();
        services.TryAddSingleton<PipelineRunner>();
        services.TryAddSingleton<IPipelineHistory, LakePipelineHistory>();
        services.TryAddSingleton<ReportDataLoader>();
        return services;
    }

    /// <summary>Binds a section, validates it with its data annotations at start-up, errors naming key and value.</summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
    {
        services.AddSingleton<IValidateOptions<TOptions>>(new SectionValidator<TOptions>(section));
        return services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
    }

    private static bool IsAws(IServiceProvider services) => services.GetRequiredService<IOptions<PipelineOptions>>().Value.Backend == Backend.Aws;

    private static LakeStores CreateLocalStores(PipelineOptions options)
    {
        var lake = new LocalObjectStore(options.Lake, LakeLayout.DataPrefixes);
        return new LakeStores(lake, options.RawPrefix, lake);
    }
}
