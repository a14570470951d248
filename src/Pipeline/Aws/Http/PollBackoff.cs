namespace SpotifyWorker.Pipeline.Aws.Http;

/// <summary>
/// The wait between two status polls (Glue job run, crawl, Athena query): it starts at an eighth of the poll
/// interval and doubles up to it, so short work is seen finished early and long work costs few calls, and it
/// tells when the overall timeout has passed.
/// </summary>
public sealed class PollBackoff
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _max;
    private readonly TimeSpan _timeout;
    private readonly long _started;
    private TimeSpan _next;

    public PollBackoff(TimeProvider time, TimeSpan max, TimeSpan timeout)
    {
        _time = time;
        _max = max;
        _timeout = timeout;
        _started = time.GetTimestamp();
        _next = TimeSpan.FromTicks(Math.Max(max.Ticks / 8, TimeSpan.FromMilliseconds(10).Ticks));
    }

    public TimeSpan Elapsed => _time.GetElapsedTime(_started);

    public bool Expired => Elapsed >= _timeout;

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(_next, _time, cancellationToken).ConfigureAwait(false);
        _next = TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, _max.Ticks));
    }
}
