using System.ComponentModel.DataAnnotations;

namespace SpotifyWorker.Pipeline.Costs;

/// <summary>
/// The prices that turn what a run used into <c>EstimatedCostUsd</c> (section <c>Pipeline:Cost</c>). Defaults
/// are the us-east-1 on-demand list prices (checked November 2026, as in deploy/ecs/README.md); another region
/// sets its own from the AWS pricing pages (README "Cost"). Minimums are AWS billing rules, kept next to the
/// prices they belong to so that a change in them is a setting, not a release.
/// </summary>
public sealed class CostOptions
{
    public const string Section = "Pipeline:Cost";

    /// <summary>Where the prices come from, shown next to the figures. Default <c>us-east-1</c>.</summary>
    [Required]
    public string PriceRegion { get; set; } = "us-east-1";

    /// <summary>Glue Spark job, per DPU-hour, billed per second (Glue 2.0 and later, 5.0 included). Default $0.44.</summary>
    [Range(typeof(decimal), "0", "1000", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public decimal GlueDpuHourUsd { get; set; } = 0.44m;

    /// <summary>Glue Spark job with execution class FLEX, per DPU-hour. Default $0.29.</summary>
    [Range(typeof(decimal), "0", "1000", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public decimal GlueFlexDpuHourUsd { get; set; } = 0.29m;

    /// <summary>The shortest duration Glue bills a job run for. Default 1 minute (Glue 2.0 and later).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan GlueMinimumBilledDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Athena SQL, per TB (2^40 bytes) scanned. Default $5.</summary>
    [Range(typeof(decimal), "0", "10000", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public decimal AthenaTbScannedUsd { get; set; } = 5m;

    /// <summary>The least a billed Athena query is charged for; scans are rounded up to the megabyte too. Default 10 MB.</summary>
    [Range(0, 1L << 40)]
    public long AthenaMinimumBytesPerQuery { get; set; } = 10L << 20;

    /// <summary>S3 Standard PUT, COPY, POST and LIST requests, per 1,000. Default $0.005.</summary>
    [Range(typeof(decimal), "0", "1000", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public decimal S3PutRequestsPer1000Usd { get; set; } = 0.005m;

    /// <summary>S3 Standard GET, HEAD and all other billed requests, per 1,000. Default $0.0004.</summary>
    [Range(typeof(decimal), "0", "1000", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public decimal S3GetRequestsPer1000Usd { get; set; } = 0.0004m;

    /// <summary>Fargate Linux/x86, per vCPU-hour. Default $0.04048.</summary>
    [Range(typeof(decimal), "0", "1000", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public decimal FargateVcpuHourUsd { get; set; } = 0.04048m;

    /// <summary>Fargate Linux/x86, per GB-hour of memory. Default $0.004445.</summary>
    [Range(typeof(decimal), "0", "1000", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public decimal FargateGbHourUsd { get; set; } = 0.004445m;

    /// <summary>The worker task's CPU units (1024 = 1 vCPU), as in the task definition. Default 512.</summary>
    [Range(0, 16384)]
    public int TaskCpuUnits { get; set; } = 512;

    /// <summary>The worker task's memory in MiB, as in the task definition. Default 1024.</summary>
    [Range(0, 122880)]
    public int TaskMemoryMiB { get; set; } = 1024;
}
