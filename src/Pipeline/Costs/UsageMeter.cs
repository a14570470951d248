using System.Collections.Concurrent;

namespace SpotifyWorker.Pipeline.Costs;

/// <summary>
/// Counts what the worker uses of Glue, Athena and S3 where it calls them (one meter per process; a process
/// runs one pipeline run at a time, under the lease). <see cref="Take"/> hands the counts to the run that ends
/// and starts again from zero.
/// </summary>
public sealed class UsageMeter
{
    private ConcurrentQueue<GlueRunUsage> _glue = new();
    private ConcurrentQueue<AthenaQueryUsage> _athena = new();
    private long _s3Put;
    private long _s3Get;
    private long _s3Free;
    private long _bytesWritten;

    public void RecordGlueRun(GlueRunUsage run) => _glue.Enqueue(run);

    public void RecordAthenaQuery(AthenaQueryUsage query) => _athena.Enqueue(query);

    public void RecordS3Request(S3RequestClass requestClass)
    {
        switch (requestClass)
        {
            case S3RequestClass.PutCopyPostList: Interlocked.Increment(ref _s3Put); break;
            case S3RequestClass.Get: Interlocked.Increment(ref _s3Get); break;
            default: Interlocked.Increment(ref _s3Free); break;
        }
    }

    public void RecordBytesWritten(long bytes) => Interlocked.Add(ref _bytesWritten, bytes);

    /// <summary>Everything counted since the last call; counting starts again from zero.</summary>
    public RunUsage Take() => new(
        [.. Interlocked.Exchange(ref _glue, new ConcurrentQueue<GlueRunUsage>())],
        [.. Interlocked.Exchange(ref _athena, new ConcurrentQueue<AthenaQueryUsage>())],
        Interlocked.Exchange(ref _s3Put, 0),
        Interlocked.Exchange(ref _s3Get, 0),
        Interlocked.Exchange(ref _s3Free, 0),
        Interlocked.Exchange(ref _bytesWritten, 0));
}
