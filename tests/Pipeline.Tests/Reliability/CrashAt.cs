using SpotifyWorker.Pipeline.Orchestration;

namespace SpotifyWorker.Pipeline.Tests.Reliability;

/// <summary>Crashes the run (an exception) the <paramref name="occurrence"/>-th time it reaches <paramref name="point"/>.</summary>
internal sealed class CrashAt(FaultPoint point, int occurrence = 1) : IFaultInjector
{
    private int _reached;

    public bool Fired { get; private set; }

    public string Message => $"injected crash at {point} #{occurrence}";

    public ValueTask AtAsync(FaultPoint at, CancellationToken cancellationToken)
    {
        if (at != point || ++_reached != occurrence) return ValueTask.CompletedTask;
        Fired = true;
        throw new IOException(Message);
    }
}
