using System.Globalization;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>What is known of the lease's holder.</summary>
public enum HolderVerdict
{
    /// <summary>No worker ever took the lease (no lease.json).</summary>
    None,

    /// <summary>The last holder gave it up at the end of its run.</summary>
    Released,

    /// <summary>Unrenewed past its expiry: the holder stopped without releasing it.</summary>
    Expired,

    /// <summary>Local lake: the OS dropped the holder's lock, so its process is gone, though the lease has not expired.</summary>
    ProcessGone,

    /// <summary>Unexpired, but the holder missed two renewals in a row: it looks dead, and the lease holds until it expires.</summary>
    Silent,

    /// <summary>The holder's lock is held (local) or it renews on time.</summary>
    Alive,
}

/// <summary>The lease as it stands, with the verdict on its holder: what run-once, status and unlock show.</summary>
/// <param name="Holder">The stored lease document; null when there is none.</param>
/// <param name="ETag">Its ETag, for a conditional delete.</param>
/// <param name="LockHeld">Whether another process holds the local lake lock; null on S3, where there is none.</param>
public sealed record LeaseState(LeaseDocument? Holder, string? ETag, HolderVerdict Verdict, DateTimeOffset At, bool? LockHeld)
{
    /// <summary>Whether the lease keeps other workers out now. A holder whose process is gone does not.</summary>
    public bool IsHeld => Verdict is HolderVerdict.Alive or HolderVerdict.Silent;

    public bool LooksAlive => Verdict == HolderVerdict.Alive;

    /// <summary>
    /// The one decision on a holder, for acquiring, yielding, status and unlock alike. <paramref name="lockHeld"/> is
    /// the local lake lock (null on S3): held means a live process on this machine has the lease; free while an
    /// unexpired lease names this host means its process died. A lease from another host is judged by its renewals.
    /// </summary>
    public static LeaseState Judge(LeaseDocument? holder, string? etag, bool? lockHeld, DateTimeOffset now)
    {
        var verdict = holder switch
        {
            _ when lockHeld == true => HolderVerdict.Alive,
            null => HolderVerdict.None,
            { Released: true } => HolderVerdict.Released,
            _ when holder.ExpiresAt <= now => HolderVerdict.Expired,
            _ when lockHeld == false && holder.Host == Environment.MachineName => HolderVerdict.ProcessGone,
            { RenewedAt: { } renewed, RenewInterval: { } every } when now > renewed + every * 2 => HolderVerdict.Silent,
            _ => HolderVerdict.Alive,
        };
        return new LeaseState(holder, etag, verdict, now, lockHeld);
    }

    /// <summary>Why the verdict is what it is, in words.</summary>
    public string Reason => (Verdict, Holder) switch
    {
        (HolderVerdict.Alive, null or { Released: true }) => "a live process on this machine holds the lake's lock and is taking the lease now",
        (HolderVerdict.Alive, { RenewedAt: { } renewed }) when LockHeld == true => $"its process holds the lake's lock; renewed {Ago(renewed)}",
        (HolderVerdict.Alive, { RenewedAt: { } renewed }) => $"it renews on time (last {Ago(renewed)})",
        (HolderVerdict.Alive, _) => "its lease is unexpired",
        (HolderVerdict.Silent, { RenewedAt: { } renewed, RenewInterval: { } every }) => $"it has not renewed since {Ago(renewed)} (it renews every {Span(every)})",
        (HolderVerdict.ProcessGone, _) => "its process is gone (the OS released its lock on _pipeline/lease.lock)",
        (HolderVerdict.Expired, { } h) => $"it expired {Ago(h.ExpiresAt)} without being released",
        (HolderVerdict.Released, { } h) => $"released {Ago(h.ExpiresAt)}",
        _ => "no worker has taken it yet",
    };

    /// <summary>
    /// The one line a run that yields prints: who holds the lease, since and until when, whether the holder looks
    /// alive and what to do.
    /// </summary>
    public string YieldLine()
    {
        if (!IsHeld) return $"Yielding: the lake's lease was busy, and is free now ({Reason}): run again";
        if (Holder is null || Holder.Released)
        {
            return "Yielding: the lake's lease is held by another process on this machine, which is taking it now (it holds the lake lock _pipeline/lease.lock); "
                + "the holder looks alive: wait for it to finish, then run again";
        }
        var advice = LooksAlive
            ? $"wait for it to finish; if it is stuck, stop it or run `unlock {Holder.RunId} --force`"
            : $"wait until {Time(Holder.ExpiresAt)}, when the next run takes it over, or run `unlock {Holder.RunId}` now";
        return $"Yielding: the lake's lease is held by {Describe(Holder)} since {Time(Holder.AcquiredAt)} until {Time(Holder.ExpiresAt)}; "
            + $"the holder {(LooksAlive ? "looks alive" : "looks dead")}: {Reason}; {advice}";
    }

    /// <summary>Owner, run and (when recorded) where it runs.</summary>
    public static string Describe(LeaseDocument holder) =>
        $"{holder.Owner} (run {holder.RunId}{(holder.Location is null ? "" : ", on " + holder.Location)})";

    private string Ago(DateTimeOffset then) =>
        then <= At ? $"{Time(then)}, {Span(At - then)} ago" : $"{Time(then)}, in {Span(then - At)}";

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Span(TimeSpan span) => span.TotalSeconds < 90
        ? ((int)Math.Round(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + " s"
        : span.ToString(span.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture) + (span.TotalHours >= 1 ? " h" : " min");
}
