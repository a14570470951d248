using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SpotifyWorker.Pipeline.Costs;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Worker.Cli;
using SpotifyWorker.Worker.Cli.Commands;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Worker;

/// <summary><c>status</c> shows each recent run's cost and a 30-day total from the run history.</summary>
public sealed class StatusCostTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _lake = new();

    public void Dispose() => _lake.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RunCost Aws(decimal glueUsd) => new(RunCost.AwsBackend, "us-east-1", 120, 0, 50, 1000, glueUsd, 0, 0, 0);

    private async Task RecordAsync(ServiceProvider services, TimeSpan ago, RunCost? cost)
    {
        var started = Now - ago;
        var summary = new RunSummary(PipelineRunner.RunIdTime(started) + "-abcdef", RunOutcome.Succeeded, started, started.AddMinutes(2), 1, [], 0, new Dictionary<string, double>(), 0, null, null, cost);
        await services.GetRequiredService<RunHistory>().RecordAsync(summary);
    }

    [Fact]
    public async Task ReadAsync_RunHistory_TotalsTheLast30DaysOfAwsRunsAndCountsTheOthersApart()
    {
        await using var services = PipelineServices.Create(_lake.Path, configure: s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(Now)));
        await RecordAsync(services, TimeSpan.FromDays(40), Aws(9m));   // outside the period
        await RecordAsync(services, TimeSpan.FromDays(29), Aws(0.5m));
        await RecordAsync(services, TimeSpan.FromDays(3), null);       // recorded before runs were priced
        await RecordAsync(services, TimeSpan.FromDays(2), RunCost.Local);
        await RecordAsync(services, TimeSpan.FromDays(1), Aws(0.25m));

        var status = await LakeStatus.ReadAsync(services, Ct);

        Assert.Equal(new CostTotal(Now.AddDays(-30), 4, 2, 1, 0.75m, "us-east-1"), status.Cost30Days);
        Assert.Equal("$0.7500 over 2 AWS runs since 2026-10-31 (us-east-1 prices); 1 local-backend runs, not applicable, 1 runs recorded without a cost", status.Cost30Days.ToString());
        Assert.Equal(5, status.LastRuns.Count);
    }

    [Fact]
    public async Task Status_Json_ShowsEachRunsCostAndTheTotal()
    {
        var now = DateTimeOffset.UtcNow;
        await using (var services = PipelineServices.Create(_lake.Path))
        {
            await services.GetRequiredService<RunHistory>().RecordAsync(new RunSummary(PipelineRunner.RunIdTime(now.AddHours(-2)) + "-aaaaaa", RunOutcome.Succeeded, now.AddHours(-2), now.AddHours(-2), 1, [], 0, new Dictionary<string, double>(), 0, null, null, Aws(0.25m)));
            await services.GetRequiredService<RunHistory>().RecordAsync(new RunSummary(PipelineRunner.RunIdTime(now.AddHours(-1)) + "-bbbbbb", RunOutcome.NothingNew, now.AddHours(-1), now.AddHours(-1), 1, [], 0, new Dictionary<string, double>(), 0, null, null, RunCost.Local));
        }
        using var output = new StringWriter();

        var exit = await WorkerCli.RunAsync(["status", "--lake", _lake.Path, "--format", "json"], output, TextWriter.Null);

        Assert.Equal(0, exit);
        using var json = System.Text.Json.JsonDocument.Parse(output.ToString());
        var runs = json.RootElement.GetProperty("lastRuns");
        Assert.Equal("local", runs[0].GetProperty("cost").GetProperty("backend").GetString());
        Assert.Equal(0.25m, runs[1].GetProperty("cost").GetProperty("estimatedCostUsd").GetDecimal());
        Assert.Equal(0.25m, json.RootElement.GetProperty("cost30Days").GetProperty("estimatedCostUsd").GetDecimal());
        Assert.Equal(1, json.RootElement.GetProperty("cost30Days").GetProperty("localRuns").GetInt32());
    }
}
