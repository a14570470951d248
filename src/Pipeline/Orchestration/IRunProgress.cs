using Microsoft.Extensions.Logging;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>
/// Where a long run says how far it is: a named phase, optionally with a total of units (bytes) to advance
/// through. The service logs it; an interactive terminal shows a progress bar instead.
/// </summary>
public interface IRunProgress
{
    void Phase(string name, long total = 0);

    /// <summary>Adds <paramref name="units"/> done in the current phase; safe from several threads.</summary>
    void Advance(long units);
}

/// <summary>Plain log lines: one when a phase starts, then at most one every ten seconds while it advances.</summary>
public sealed partial class LoggingProgress(TimeProvider time, ILogger<LoggingProgress> logger) : IRunProgress
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(10);
    private readonly Lock _lock = new();
    private string _phase = "";
    private long _total, _done;
    private DateTimeOffset _lastLog;

    public void Phase(string name, long total = 0)
    {
        lock (_lock)
        {
            (_phase, _total, _done, _lastLog) = (name, total, 0, time.GetUtcNow());
        }
        LogPhase(name);
    }

    public void Advance(long units)
    {
        string phase;
        long done, total;
        lock (_lock)
        {
            _done += units;
            var now = time.GetUtcNow();
            if (_total <= 0 || now - _lastLog < Every) return;
            _lastLog = now;
            (phase, done, total) = (_phase, _done, _total);
        }
        LogProgress(phase, Math.Round(100.0 * done / total, 1), done, total);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Progress: {Phase}")]
    private partial void LogPhase(string phase);

    [LoggerMessage(Level = LogLevel.Information, Message = "Progress: {Phase} {Percent}% ({Done} of {Total})")]
    private partial void LogProgress(string phase, double percent, long done, long total);
}

/// <summary>Progress nobody watches: for engines run inside other engines (the Glue simulator) and tests.</summary>
public sealed class NoProgress : IRunProgress
{
    public static readonly NoProgress Instance = new();

    public void Phase(string name, long total = 0) { }

    public void Advance(long units) { }
}
