using Microsoft.Extensions.Options;

namespace SpotifyWorker.Pipeline.Costs;

/// <summary>Prices a run's usage with the configured prices and AWS's billing minimums.</summary>
public sealed class CostCalculator(IOptions<CostOptions> options)
{
    private const decimal BytesPerTb = 1L << 40;
    private const long BytesPerMb = 1L << 20;

    private CostOptions Prices => options.Value;

    public RunCost Price(RunUsage usage, TimeSpan duration)
    {
        var prices = Prices;
        var glue = usage.GlueRuns.Sum(r => (decimal)BilledDpuSeconds(r, prices.GlueMinimumBilledDuration) / 3600m * (r.Flex ? prices.GlueFlexDpuHourUsd : prices.GlueDpuHourUsd));
        var athena = usage.AthenaQueries.Sum(q => BilledBytes(q, prices.AthenaMinimumBytesPerQuery)) / BytesPerTb * prices.AthenaTbScannedUsd;
        var s3 = (usage.S3PutRequests * prices.S3PutRequestsPer1000Usd + usage.S3GetRequests * prices.S3GetRequestsPer1000Usd) / 1000m;
        var fargate = (decimal)Math.Max(0, duration.TotalHours) * (prices.TaskCpuUnits / 1024m * prices.FargateVcpuHourUsd + prices.TaskMemoryMiB / 1024m * prices.FargateGbHourUsd);
        return new RunCost(RunCost.AwsBackend, prices.PriceRegion, usage.GlueDpuSeconds, usage.AthenaBytesScanned, usage.S3Requests, usage.BytesWritten, glue, athena, s3, fargate);
    }

    /// <summary>
    /// A run shorter than the minimum is billed as if it had run for the minimum at the same capacity; a run
    /// that never ran (no execution time) is billed for what it reports.
    /// </summary>
    public static double BilledDpuSeconds(GlueRunUsage run, TimeSpan minimum)
    {
        if (run.ExecutionSeconds <= 0 || run.ExecutionSeconds >= minimum.TotalSeconds) return run.DpuSeconds;
        return run.DpuSeconds * minimum.TotalSeconds / run.ExecutionSeconds;
    }

    /// <summary>Bytes rounded up to the megabyte, at least the minimum; DDL and failed queries are free.</summary>
    public static long BilledBytes(AthenaQueryUsage query, long minimum)
    {
        if (!query.Billed) return 0;
        var rounded = (query.BytesScanned + BytesPerMb - 1) / BytesPerMb * BytesPerMb;
        return Math.Max(rounded, minimum);
    }
}
