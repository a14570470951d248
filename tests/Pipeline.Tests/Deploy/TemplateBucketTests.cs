using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Deploy;

/// <summary>Every bucket of the template is private, encrypted and TLS-only.</summary>
public sealed class TemplateBucketTests
{
    private static readonly CfnTemplate Template = CfnTemplate.Load();

    public static TheoryData<string> Buckets => [.. Template.ResourcesOfType("AWS::S3::Bucket")];

    [Fact]
    public void Template_Buckets_AreRawLakeAthenaResultsAndArtifacts() =>
        Assert.Equal(["ArtifactsBucket", "AthenaResultsBucket", "LakeBucket", "RawBucket"], Template.ResourcesOfType("AWS::S3::Bucket").Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Buckets))]
    public void Bucket_PublicAccessBlock_AllFourSettingsTrue(string bucket)
    {
        var block = Template.Properties(bucket)["PublicAccessBlockConfiguration"];

        Assert.All(["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"],
            setting => Assert.Equal("true", CfnTemplate.Str(block?[setting])));
    }

    [Theory]
    [MemberData(nameof(Buckets))]
    public void Bucket_DefaultEncryption_IsConfigured(string bucket)
    {
        var rules = CfnTemplate.Many(Template.Properties(bucket)["BucketEncryption"]?["ServerSideEncryptionConfiguration"]);

        var algorithm = CfnTemplate.Str(Assert.Single(rules)?["ServerSideEncryptionByDefault"]?["SSEAlgorithm"]);
        Assert.Contains(algorithm, new[] { "AES256", "aws:kms", "aws:kms:dsse" });
    }

    [Theory]
    [MemberData(nameof(Buckets))]
    public void Bucket_Policy_DeniesRequestsWithoutTls(string bucket)
    {
        var deny = Assert.Single(IamStatement.OfBucket(Template, bucket), s => !s.IsAllow);

        Assert.Equal("*", CfnTemplate.Str(deny.Node["Principal"]));
        Assert.Equal(["s3:*"], deny.Actions);
        Assert.Equal("false", CfnTemplate.Str(deny.Node["Condition"]?["Bool"]?["aws:SecureTransport"]));
        Assert.Contains($$"""{"Fn::GetAtt":["{{bucket}}","Arn"]}""", deny.Resources);
        Assert.Contains($$"""{"Fn::Sub":"${{{bucket}}.Arn}/*"}""", deny.Resources);
    }

    [Theory]
    [MemberData(nameof(Buckets))]
    public void Bucket_Lifecycle_AbortsIncompleteUploads(string bucket)
    {
        var rules = CfnTemplate.Many(Template.Properties(bucket)["LifecycleConfiguration"]?["Rules"]);

        Assert.Contains(rules, rule => rule?["AbortIncompleteMultipartUpload"] is not null);
    }

    [Fact]
    public void AthenaResultsBucket_Lifecycle_ExpiresResults()
    {
        var rules = CfnTemplate.Many(Template.Properties("AthenaResultsBucket")["LifecycleConfiguration"]?["Rules"]);

        Assert.Contains(rules, rule => rule?["ExpirationInDays"] is not null && CfnTemplate.Str(rule["Status"]) == "Enabled");
    }

    [Theory]
    [InlineData("RawBucket")]
    [InlineData("LakeBucket")]
    public void DataBucket_DeletionPolicy_RetainsData(string bucket) =>
        Assert.Equal("Retain", CfnTemplate.Str(Template.Resource(bucket)["DeletionPolicy"]));
}
