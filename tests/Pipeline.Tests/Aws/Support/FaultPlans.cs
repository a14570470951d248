namespace SpotifyWorker.Pipeline.Tests.Aws.Support;

/// <summary>Ready-made fault choices for <see cref="FaultProxy"/>, bounded in count so every test ends.</summary>
public static class FaultPlans
{
    /// <summary>The first <paramref name="count"/> requests matching <paramref name="match"/> get <paramref name="fault"/>.</summary>
    public static Func<ProxiedRequest, Fault> First(int count, Fault fault, Func<ProxiedRequest, bool>? match = null)
    {
        var left = count;
        return request => (match is null || match(request)) && Interlocked.Decrement(ref left) >= 0 ? fault : Fault.None;
    }

    /// <summary>
    /// Every <paramref name="period"/>-th request gets the next fault of <paramref name="cycle"/>, at most
    /// <paramref name="max"/> faults in all; no two faults in a row, so each retried request gets through.
    /// </summary>
    public static Func<ProxiedRequest, Fault> Every(int period, int max, params Fault[] cycle)
    {
        var injected = 0;
        var gate = new object();
        return request =>
        {
            lock (gate)
            {
                if (request.Index % period != 0 || injected >= max) return Fault.None;
                return cycle[injected++ % cycle.Length];
            }
        };
    }

    /// <summary>The n-th request matching <paramref name="match"/> gets the n-th fault; later ones pass.</summary>
    public static Func<ProxiedRequest, Fault> Sequence(Func<ProxiedRequest, bool> match, params Fault[] faults)
    {
        var seen = 0;
        return request =>
        {
            if (!match(request)) return Fault.None;
            var n = Interlocked.Increment(ref seen);
            return n <= faults.Length ? faults[n - 1] : Fault.None;
        };
    }

    /// <summary>Every request matching <paramref name="match"/> gets <paramref name="fault"/>: a permanently failing endpoint.</summary>
    public static Func<ProxiedRequest, Fault> Always(Fault fault, Func<ProxiedRequest, bool>? match = null) =>
        request => match is null || match(request) ? fault : Fault.None;
}
