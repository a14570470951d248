namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>The steps of a batch (and of a compaction, which passes the commit points too) at which a crash must leave the lake consistent.</summary>
public enum FaultPoint
{
    /// <summary>Inside the transform: a silver file of the batch has just been written (once per entity with rows).</summary>
    AfterSilverWrite,

    /// <summary>Inside the transform: a quarantine file of the batch has just been written (once per entity with rejects).</summary>
    AfterQuarantineWrite,

    /// <summary>Inside the transform: a gold file has just been moved from staging into its partition (once per file).</summary>
    AfterGoldMove,

    /// <summary>Inside a compaction: an entity's new silver base has just been written (once per entity compacted).</summary>
    AfterCompactionWrite,

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
