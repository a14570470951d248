using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SpotifyWorker.Pipeline.Costs;
using SpotifyWorker.Pipeline.Orchestration;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Orchestration;

public sealed class EmfMetricsTests
{
    [Fact]
    public void Format_RunSummary_IsEmfWithCountsAndFreshness()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero));
        var summary = new RunSummary(
            "run-1", RunOutcome.Succeeded, time.GetUtcNow().AddSeconds(-30), time.GetUtcNow(), 3,
            [new BatchSummary(3, 4, 1, 100, 7, 90, [2001, 2002], 1.5, 0.1)],
            250, new Dictionary<string, double>(), 0, time.GetUtcNow().AddHours(-5))
        {
            Compactions = [new CompactionSummary(4, "requested", 3, 7, 120, 0.5)],
        };

        using var json = JsonDocument.Parse(new EmfMetrics(TextWriter.Null, time).Format(summary));
        var root = json.RootElement;
        var directive = root.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];

        Assert.Equal("SpotifyWorker", directive.GetProperty("Namespace").GetString());
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), root.GetProperty("_aws").GetProperty("Timestamp").GetInt64());
        var names = directive.GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Name").GetString()).ToList();
        Assert.Equal(["FilesProcessed", "FilesQuarantined", "RowsRead", "RowsRejected", "GoldRows", "PartitionsRewritten", "SilverCompactions", "DurationSeconds", "DataFreshnessSeconds", "RunFailed",
            "GlueDpuSeconds", "AthenaBytesScanned", "S3Requests", "BytesWritten", "EstimatedCostUsd"], names);
        Assert.Equal(EmfMetrics.MetricNames, names.Select(n => n!).ToList());
        foreach (var name in names) Assert.True(root.TryGetProperty(name!, out _), $"metric {name} has a value");
        Assert.Equal(3, root.GetProperty("FilesProcessed").GetInt32());
        Assert.Equal(1, root.GetProperty("FilesQuarantined").GetInt32());
        Assert.Equal(7, root.GetProperty("RowsRejected").GetInt32());
        Assert.Equal(2, root.GetProperty("PartitionsRewritten").GetInt32());
        Assert.Equal(1, root.GetProperty("SilverCompactions").GetInt32());
        Assert.Equal(5 * 3600, root.GetProperty("DataFreshnessSeconds").GetDouble());
        Assert.Equal(0, root.GetProperty("RunFailed").GetInt32());
        // No cost recorded: the figures are the local ones, and the line says which backend they are for.
        Assert.Equal("local", root.GetProperty("Backend").GetString());
        Assert.Equal(0, root.GetProperty("EstimatedCostUsd").GetDecimal());
    }

    [Fact]
    public void Format_AwsRunCost_CarriesTheFiguresAndTheBackend()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero));
        var cost = new RunCost(RunCost.AwsBackend, "us-east-1", 246, 10L << 20, 321, 4096, 0.03m, 0.00005m, 0.0012m, 0.0004m);
        var summary = new RunSummary("run-2", RunOutcome.Failed, time.GetUtcNow().AddSeconds(-60), time.GetUtcNow(), 0, [], 0, new Dictionary<string, double>(), 0, null, "boom", cost);

        using var json = JsonDocument.Parse(new EmfMetrics(TextWriter.Null, time).Format(summary));
        var root = json.RootElement;

        Assert.Equal("aws", root.GetProperty("Backend").GetString());
        Assert.Equal("us-east-1", root.GetProperty("PriceRegion").GetString());
        Assert.Equal(246, root.GetProperty("GlueDpuSeconds").GetDouble());
        Assert.Equal(10L << 20, root.GetProperty("AthenaBytesScanned").GetInt64());
        Assert.Equal(321, root.GetProperty("S3Requests").GetInt64());
        Assert.Equal(4096, root.GetProperty("BytesWritten").GetInt64());
        Assert.Equal(0.03165m, root.GetProperty("EstimatedCostUsd").GetDecimal());
        Assert.Equal(1, root.GetProperty("RunFailed").GetInt32());
        Assert.False(root.TryGetProperty("DataFreshnessSeconds", out _));
    }
}
