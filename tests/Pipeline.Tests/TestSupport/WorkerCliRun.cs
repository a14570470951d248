using SpotifyWorker.Worker.Cli;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.TestSupport;

/// <summary>A verb through the real command line and host, in-process, on one lake.</summary>
internal static class WorkerCliRun
{
    /// <summary>Runs the verb with text logs; fails the test unless it exits 0; returns what it wrote to its output.</summary>
    public static async Task<string> OkAsync(string lake, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await WorkerCli.RunAsync([.. args, "--lake", lake, "--log-format", "text"], output, error);
        Assert.True(code == ExitCodes.Ok, $"{string.Join(' ', args)} exited {code}: {error}");
        return output.ToString();
    }
}
