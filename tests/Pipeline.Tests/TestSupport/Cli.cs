using SpotifyWorker.Worker.Cli;

namespace SpotifyWorker.Pipeline.Tests.TestSupport;

/// <summary>The command line in process, with its output and error text captured.</summary>
internal static class Cli
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await WorkerCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
