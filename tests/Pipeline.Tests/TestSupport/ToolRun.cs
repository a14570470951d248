using System.ComponentModel;
using System.Diagnostics;

namespace SpotifyWorker.Pipeline.Tests.TestSupport;

/// <summary>An external tool the tests need (python3, node, npm): run to completion with its output captured.</summary>
internal static class ToolRun
{
    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>Runs the tool; a tool that is not on PATH fails with a message saying what needs it.</summary>
    public static async Task<Result> RunAsync(string file, IEnumerable<string> arguments, string? stdin, string workingDirectory, string neededFor, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1"; // no __pycache__ in the source tree
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"'{file}' could not be started ({e.Message}); it is needed for {neededFor} (.ci/run checks it)", e);
        }
        using (process)
        {
            await process.StandardInput.WriteAsync(stdin ?? "");
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return new Result(process.ExitCode, await output, await error);
        }
    }
}
