using Spectre.Console;
using SpotifyWorker.Pipeline.Orchestration;

namespace SpotifyWorker.Worker.Output;

/// <summary>A progress bar for run-once and demo on an interactive terminal (piped or in a container, runs log instead).</summary>
public sealed class TerminalProgress : IRunProgress
{
    private ProgressTask? _task;
    private long _total, _done;

    /// <summary>Both streams are a terminal: a person is watching.</summary>
    public static bool IsInteractive => !Console.IsOutputRedirected && !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public Task<T> RunAsync<T>(Func<Task<T>> work) =>
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                _task = context.AddTask("starting", maxValue: 100);
                try
                {
                    return await work().ConfigureAwait(false);
                }
                finally
                {
                    _task.Value = 100;
                    _task.StopTask();
                }
            });

    public void Phase(string name, long total = 0)
    {
        Interlocked.Exchange(ref _total, total);
        Interlocked.Exchange(ref _done, 0);
        if (_task is null) return;
        _task.Description = Markup.Escape(name);
        _task.IsIndeterminate = total <= 0;
        _task.Value = 0;
    }

    public void Advance(long units)
    {
        var done = Interlocked.Add(ref _done, units);
        var total = Interlocked.Read(ref _total);
        if (_task is not null && total > 0) _task.Value = Math.Min(100, 100.0 * done / total);
    }
}
