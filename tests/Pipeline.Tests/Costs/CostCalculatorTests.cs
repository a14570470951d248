using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Costs;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Costs;

/// <summary>The pricing arithmetic at the us-east-1 defaults, AWS's billing minimums included.</summary>
public sealed class CostCalculatorTests
{
    private const long Mb = 1L << 20;
    private static readonly CostCalculator Calculator = new(Options.Create(new CostOptions()));

    private static RunCost Price(RunUsage usage, double seconds = 0) => Calculator.Price(usage, TimeSpan.FromSeconds(seconds));

    public static TheoryData<double, double, bool, double, decimal> GlueRuns => new()
    {
        // DPU-seconds used, execution seconds, Flex: DPU-seconds billed, dollars
        { 240, 120, false, 240, 240m / 3600m * 0.44m },          // 2 DPU for 2 minutes
        { 60, 30, false, 120, 120m / 3600m * 0.44m },            // 30 s is billed as the 1-minute minimum at the same 2 DPU
        { 120, 60, false, 120, 120m / 3600m * 0.44m },           // exactly the minimum
        { 120, 60, true, 120, 120m / 3600m * 0.29m },            // Flex price
        { 0, 0, false, 0, 0m },                                  // never ran
    };

    [Theory]
    [MemberData(nameof(GlueRuns))]
    public void Price_GlueRun_BillsDpuSecondsWithTheOneMinuteMinimum(double dpuSeconds, double executionSeconds, bool flex, double billed, decimal usd)
    {
        var run = new GlueRunUsage("jr_1", dpuSeconds, executionSeconds, flex);

        Assert.Equal(billed, CostCalculator.BilledDpuSeconds(run, TimeSpan.FromMinutes(1)), 9);
        var cost = Price(RunUsage.None with { GlueRuns = [run] });
        Assert.Equal(usd, cost.GlueUsd);
        Assert.Equal(dpuSeconds, cost.GlueDpuSeconds);
    }

    public static TheoryData<long, bool, long> AthenaQueries => new()
    {
        // bytes scanned, billed: bytes billed
        { 0, true, 10 * Mb },                 // the 10 MB minimum
        { 3 * Mb, true, 10 * Mb },
        { 10 * Mb, true, 10 * Mb },
        { 10 * Mb + 1, true, 11 * Mb },       // rounded up to the next MB
        { 1L << 40, true, 1L << 40 },
        { 5 * Mb, false, 0 },                 // DDL or failed: free
    };

    [Theory]
    [MemberData(nameof(AthenaQueries))]
    public void Price_AthenaQuery_BillsMegabytesWithTheTenMegabyteMinimum(long scanned, bool billed, long billedBytes)
    {
        var query = new AthenaQueryUsage("q1", scanned, billed);

        Assert.Equal(billedBytes, CostCalculator.BilledBytes(query, 10 * Mb));
        var cost = Price(RunUsage.None with { AthenaQueries = [query] });
        Assert.Equal(billedBytes / (decimal)(1L << 40) * 5m, cost.AthenaUsd);
        Assert.Equal(scanned, cost.AthenaBytesScanned);
    }

    [Theory]
    [InlineData(1000, 0, 0, 0.005)]
    [InlineData(0, 1000, 0, 0.0004)]
    [InlineData(200, 3000, 0, 0.0022)]
    [InlineData(0, 0, 500, 0)] // DELETE is free, but still a request
    public void Price_S3Requests_BillsPerThousandByClass(long puts, long gets, long free, double usd)
    {
        var cost = Price(RunUsage.None with { S3PutRequests = puts, S3GetRequests = gets, S3FreeRequests = free });

        Assert.Equal((decimal)usd, cost.S3Usd);
        Assert.Equal(puts + gets + free, cost.S3Requests);
    }

    [Theory]
    [InlineData(512, 1024, 3600, 0.024685)]  // the template's 0.5 vCPU / 1 GB for an hour
    [InlineData(256, 512, 1800, 0.00617125)]
    [InlineData(0, 0, 3600, 0)]              // not on Fargate: task size 0
    public void Price_RunDuration_BillsTheFargateTaskSize(int cpuUnits, int memoryMiB, double seconds, double usd)
    {
        var calculator = new CostCalculator(Options.Create(new CostOptions { TaskCpuUnits = cpuUnits, TaskMemoryMiB = memoryMiB }));

        var cost = calculator.Price(RunUsage.None, TimeSpan.FromSeconds(seconds));

        Assert.Equal((decimal)usd, cost.FargateUsd);
    }

    [Fact]
    public void Price_WholeRun_SumsThePartsAtTheConfiguredPrices()
    {
        var calculator = new CostCalculator(Options.Create(new CostOptions { PriceRegion = "eu-west-1", GlueDpuHourUsd = 1m, S3PutRequestsPer1000Usd = 1m, TaskCpuUnits = 0, TaskMemoryMiB = 0 }));
        var usage = new RunUsage([new GlueRunUsage("jr", 3600, 1800, false)], [new AthenaQueryUsage("q", 0, false)], 1000, 0, 0, 42);

        var cost = calculator.Price(usage, TimeSpan.FromMinutes(30));

        Assert.Equal(new RunCost("aws", "eu-west-1", 3600, 0, 1000, 42, 1m, 0m, 1m, 0m), cost);
        Assert.Equal(2m, cost.EstimatedCostUsd);
    }
}
