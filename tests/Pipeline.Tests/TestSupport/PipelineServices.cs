using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SpotifyWorker.Pipeline.Orchestration;

namespace SpotifyWorker.Pipeline.Tests.TestSupport;

/// <summary>The production wiring (AddPipeline) over a lake folder, as one worker process would have it.</summary>
public static class PipelineServices
{
    public static ServiceProvider Create(string lake, IEnumerable<KeyValuePair<string, string?>>? settings = null, ILoggerProvider? logs = null, Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Pipeline:Lake"] = lake, ["Pipeline:DuckDb:MemoryLimit"] = "256MB" })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection();
        services.AddLogging(builder =>
        {
            if (logs is not null) builder.AddProvider(logs);
        });
        services.AddSingleton(sp => new EmfMetrics(TextWriter.Null, sp.GetRequiredService<TimeProvider>()));
        configure?.Invoke(services);
        services.AddPipeline(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
