using SpotifyWorker.Worker.Cli;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.TestSupport;

/// <summary>A verb through the real command line and host, in-process, on one lake.</summary>
internal static class WorkerCliRun
{
    /// <summary>Runs the verb; returns its exit code and what it wrote to its output and error.</summary>
    public static async Task<(int Code, string Output, string Error)> RunAsync(string lake, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await WorkerCli.RunAsync([.. args, "--lake", lake], output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Runs the verb with text logs; fails the test unless it exits 0; returns what it wrote to its output.</summary>
    public static async Task<string> OkAsync(string lake, params string[] args)
    {
        var (code, output, error) = await RunAsync(lake, [.. args, "--log-format", "text"]);
        Assert.True(code == ExitCodes.Ok, $"{string.Join(' ', args)} exited {code}: {error}");
        return output;
    }
}
