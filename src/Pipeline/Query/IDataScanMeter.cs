namespace SpotifyWorker.Pipeline.Query;

/// <summary>
/// A query engine that bills by data scanned (Athena) reports what the last view refresh scanned, so that the run
/// summary can show it next to the step times.
/// </summary>
public interface IDataScanMeter
{
    /// <summary>Bytes scanned since the last call, then starts counting again from zero.</summary>
    long TakeBytesScanned();
}
