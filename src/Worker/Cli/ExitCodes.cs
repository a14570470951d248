namespace SpotifyWorker.Worker.Cli;

/// <summary>The process's exit codes, as documented in README.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int RunFailed = 1;
    /// <summary>Bad usage or configuration, or a lake in a format newer than this worker knows.</summary>
    public const int BadUsage = 2;
}

/// <summary>Bad usage or configuration detected by a verb; printed as is and exits 2.</summary>
public sealed class UsageException(string message) : Exception(message);
