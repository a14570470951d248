using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Aws.Support;

/// <summary>
/// A test class on its own moto server: before each test the account is emptied and the deployment's resources
/// (buckets, Glue database, job and crawler) are created again, so tests of a class never see each other's state.
/// </summary>
public abstract class MotoTest(MotoServer moto, string lakePrefix = "") : IClassFixture<MotoServer>, IAsyncLifetime
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected MotoServer Moto => moto;

    protected MotoAws Aws { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await moto.ResetAsync();
        Aws = new MotoAws(moto.Url, lakePrefix);
        await Aws.ProvisionAsync(Ct);
        await SetUpAsync();
    }

    /// <summary>What a class needs beyond the provisioned account (transitions, the gold table).</summary>
    protected virtual Task SetUpAsync() => Task.CompletedTask;

    /// <summary>
    /// For whole-pipeline runs: the gold table as the crawler would have made it, Glue job runs held in their
    /// first state for the <see cref="GlueJobSimulator"/> to play, crawls and Athena queries ending at once.
    /// </summary>
    protected async Task PreparePipelineAsync()
    {
        await Aws.CreateGoldTableAsync(MotoAws.GoldColumns, Ct);
        await Moto.SetTransitionAsync("glue::job_run", "manual");
        await Moto.SetTransitionAsync("glue::crawl", "immediate");
        await Moto.SetTransitionAsync("athena::execution", "immediate");
    }

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
