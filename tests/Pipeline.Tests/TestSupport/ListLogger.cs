using Microsoft.Extensions.Logging;

namespace SpotifyWorker.Pipeline.Tests.TestSupport;

/// <summary>Keeps formatted log events so tests can assert what was logged and at which level.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    private readonly List<(LogLevel Level, string Message)> _events = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Events
    {
        get
        {
            lock (_events) return [.. _events];
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_events) _events.Add((logLevel, formatter(state, exception)));
    }
}
