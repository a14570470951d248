using System.Runtime.InteropServices;

namespace SpotifyWorker.Pipeline.Storage;

/// <summary>
/// Moves a file into place only if the target does not exist, atomically. File.Move(overwrite: false)
/// checks and renames in two steps on Unix, so two racing writers can both "win"; link(2) creates the
/// new name or fails with EEXIST in one step, which is the put-if-absent guarantee the commit log needs.
/// </summary>
internal static partial class NoReplaceRename
{
    private const int EEXIST = 17; // Linux and macOS agree

    /// <returns>False when the target already exists.</returns>
    public static bool TryMove(string source, string target)
    {
        if (OperatingSystem.IsWindows())
        {
            // Windows' MoveFileEx without REPLACE_EXISTING is atomic already.
            try
            {
                File.Move(source, target, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(target))
            {
                return false;
            }
        }

        if (link(source, target) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == EEXIST) return false;
            throw new IOException($"Cannot create {target} atomically: link(2) failed with errno {errno}. The local lake needs a filesystem with hard links (ext4, xfs, apfs, tmpfs, overlayfs).");
        }
        File.Delete(source);
        return true;
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int link(string oldPath, string newPath);
}
