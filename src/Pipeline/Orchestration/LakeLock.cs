namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>
/// The local backend's proof of life: an exclusive OS lock (flock on Unix) on <c>_pipeline/lease.lock</c>, held by
/// the lease holder for the whole run. The kernel drops it the moment the process dies, by SIGKILL, OOM or reboot,
/// so a lock that can be taken means that no process on this machine holds the lease, whatever lease.json says.
/// On a network share the lock may not reach other machines (SMB, NFS without lock support), which is why a lease
/// recorded by another host is still judged by its expiry.
/// </summary>
public sealed class LakeLock(string path)
{
    public string Path { get; } = path;

    /// <summary>Takes the lock without waiting; null when another open handle (this process or another) holds it.</summary>
    public IDisposable? TryTake()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        try
        {
            return new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
        }
        catch (IOException e) when (IsHeldElsewhere(e))
        {
            return null;
        }
    }

    /// <summary>Whether a live handle holds the lock now. Taking it for a moment is the only portable test.</summary>
    public bool IsHeld()
    {
        using var probe = TryTake();
        return probe is null;
    }

    // EWOULDBLOCK from flock (Linux 11, macOS 35) or a Windows sharing/lock violation; any other I/O error
    // (permissions, a missing share) means the lease cannot be checked, and is thrown.
    private static bool IsHeldElsewhere(IOException e) =>
        e.GetType() == typeof(IOException) && e.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021);
}
