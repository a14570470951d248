namespace SpotifyWorker.Pipeline.Reporting;

/// <summary>
/// Where the report reads the pipeline's own history from. The default reads the commit log and the run history
/// in the lake store, so it works for any backend's store (a folder or S3).
/// </summary>
public interface IPipelineHistory
{
    /// <summary>The committed state's figures and the newest <paramref name="runs"/> runs.</summary>
    Task<PipelineHealth> ReadAsync(int runs, CancellationToken cancellationToken);
}
