namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>The steps of a batch at which a crash must leave the lake consistent.</summary>
public enum FaultPoint
{
    AfterTransform,
    BeforeCommit,
    AfterCommit,
    BeforeSupersededDelete,
    AfterSupersededDelete,
    BeforeCatalogRefresh,
    BeforeViewRefresh,
    DuringGluePoll,
}

/// <summary>
/// A hook at every step of a batch. Production uses <see cref="NoFaults"/>; reliability tests throw or kill
/// the process at a chosen point and check that the next run repairs everything.
/// </summary>
public interface IFaultInjector
{
    ValueTask AtAsync(FaultPoint point, CancellationToken cancellationToken);
}

public sealed class NoFaults : IFaultInjector
{
    public static readonly NoFaults Instance = new();

    public ValueTask AtAsync(FaultPoint point, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
