namespace SpotifyWorker.Pipeline.Costs;

/// <summary>
/// What a run used and what that is estimated to cost, as stored with the run and emitted as metrics. On the
/// local backend no AWS service is used: every figure is 0 and <see cref="Backend"/> says <c>local</c>, so a
/// zero reads as "not applicable", never as "free on AWS".
/// </summary>
public sealed record RunCost(
    string Backend,
    string PriceRegion,
    double GlueDpuSeconds,
    long AthenaBytesScanned,
    long S3Requests,
    long BytesWritten,
    decimal GlueUsd,
    decimal AthenaUsd,
    decimal S3Usd,
    decimal FargateUsd)
{
    public const string AwsBackend = "aws";
    public const string LocalBackend = "local";

    /// <summary>The local backend's figures: nothing of AWS was used, so nothing is priced.</summary>
    public static readonly RunCost Local = new(LocalBackend, "not applicable", 0, 0, 0, 0, 0, 0, 0, 0);

    public decimal EstimatedCostUsd => GlueUsd + AthenaUsd + S3Usd + FargateUsd;
}
