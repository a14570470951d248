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
        return TryOpen(FileMode.OpenOrCreate);
    }

    /// <summary>
    /// Whether a live handle holds the lock now. Taking it for a moment is the only portable test; it is opened
    /// read-only and never created, so that status works on a read-only lake (no file: nobody ever held it).
    /// </summary>
    public bool IsHeld()
    {
        try
        {
            using var probe = TryOpen(FileMode.Open);
            return probe is null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }

    private FileStream? TryOpen(FileMode mode)
    {
        try
        {
            // FileShare.None takes flock(LOCK_EX | LOCK_NB) on Unix; a read-only handle can hold it too.
            return new FileStream(Path, mode, mode == FileMode.Open ? FileAccess.Read : FileAccess.ReadWrite, FileShare.None, 1);
        }
        catch (IOException e) when (IsHeldElsewhere(e))
        {
            return null;
        }
    }

    // EWOULDBLOCK from flock (Linux 11, macOS 35) or a Windows sharing/lock violation; any other I/O error
    // (permissions, a missing share) means the lease cannot be checked, and is thrown.
    private static bool IsHeldElsewhere(IOException e) =>
        e.GetType() == typeof(IOException) && e.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021);
}
