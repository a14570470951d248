using System.ComponentModel;
using System.Diagnostics;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Deploy;

/// <summary>cfn-lint validates the templates offline against CloudFormation's resource specifications.</summary>
public sealed class CfnLintTests
{
    // cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational; anything else is a crash.
    private const int WarningBits = 4 | 8;

    [Fact]
    public async Task CfnLint_DeployTemplates_ReportNoErrors()
    {
        var templates = Directory.GetFiles(RepoFiles.PathOf("deploy/ecs"), "*.yaml").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(templates);

        var start = new ProcessStartInfo("cfn-lint") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["--format", "parseable", "--", .. templates]) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"cfn-lint is not on PATH ({e.Message}); install it (pip install cfn-lint) - CI's .ci/run requires it");
            return;
        }

        using (process)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);

            var report = $"cfn-lint exited {process.ExitCode}:\n{await output}{await error}";
            Assert.True((process.ExitCode & ~WarningBits) == 0, report);
        }
    }
}
