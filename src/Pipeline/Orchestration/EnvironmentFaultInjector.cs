using System.Diagnostics;
using System.Globalization;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>
/// TEST ONLY: kills this process with SIGKILL, with no cleanup of any kind, the <c>n</c>-th time the pipeline
/// reaches a chosen <see cref="FaultPoint"/>, so that reliability tests can check what an OOM kill or a lost
/// container leaves behind. <see cref="PipelineServiceCollectionExtensions.AddPipeline"/> registers it only when
/// the environment variable <c>SPOTIFYWORKER_FAULT_KILL_AT=&lt;FaultPoint&gt;[:&lt;n&gt;]</c> is set (n defaults
/// to 1); never set it in production.
/// </summary>
public sealed class EnvironmentFaultInjector : IFaultInjector
{
    public const string Variable = "SPOTIFYWORKER_FAULT_KILL_AT";

    private int _remaining;

    public EnvironmentFaultInjector(FaultPoint point, int occurrence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(occurrence, 1);
        Point = point;
        _remaining = occurrence;
    }

    public FaultPoint Point { get; }

    /// <summary>The injector the variable asks for, or null when it is not set.</summary>
    public static EnvironmentFaultInjector? FromEnvironment() => Parse(Environment.GetEnvironmentVariable(Variable));

    public static EnvironmentFaultInjector? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var parts = value.Split(':', 2, StringSplitOptions.TrimEntries);
        var occurrence = 1;
        // By name only: Enum.TryParse would also take "7", which names no step anyone can read in a test.
        if (!Enum.GetNames<FaultPoint>().Contains(parts[0]) || !Enum.TryParse<FaultPoint>(parts[0], out var point)
            || (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out occurrence) || occurrence < 1)))
        {
            throw new InvalidOperationException(
                $"{Variable}='{value}' is not <FaultPoint>[:<n>] with n >= 1; fault points: {string.Join(", ", Enum.GetNames<FaultPoint>())}");
        }
        return new EnvironmentFaultInjector(point, occurrence);
    }

    public ValueTask AtAsync(FaultPoint point, CancellationToken cancellationToken)
    {
        if (point == Point && Interlocked.Decrement(ref _remaining) == 0)
        {
            Console.Error.WriteLine($"{Variable}: killing process {Environment.ProcessId} at {point}");
            Console.Error.Flush();
            using var self = Process.GetCurrentProcess();
            self.Kill(); // SIGKILL on Unix: no finally blocks, no disposal, no lease release
            Thread.Sleep(Timeout.Infinite);
        }
        return ValueTask.CompletedTask;
    }
}
