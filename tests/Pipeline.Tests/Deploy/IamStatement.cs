using System.Text.Json.Nodes;

namespace SpotifyWorker.Pipeline.Tests.Deploy;

/// <summary>One statement of an IAM or bucket policy in the template, with where it came from for messages.</summary>
internal sealed record IamStatement(string Owner, JsonObject Node)
{
    public string? Sid => CfnTemplate.Str(Node["Sid"]);

    public bool IsAllow => CfnTemplate.Str(Node["Effect"]) == "Allow";

    public IReadOnlyList<string> Actions => [.. CfnTemplate.Many(Node["Action"]).Select(Text)];

    /// <summary>Each resource as text: a plain ARN, or the JSON of the intrinsic that builds it.</summary>
    public IReadOnlyList<string> Resources => [.. CfnTemplate.Many(Node["Resource"]).Select(Text)];

    public override string ToString() => $"{Owner}/{Sid ?? "(no Sid)"}";

    /// <summary>Statements of every role's inline policies and of any standalone identity policy.</summary>
    public static IEnumerable<IamStatement> OfIdentities(CfnTemplate template)
    {
        foreach (var role in template.ResourcesOfType("AWS::IAM::Role"))
        {
            foreach (var policy in CfnTemplate.Many(template.Properties(role)["Policies"]))
            {
                foreach (var statement in Statements(policy?["PolicyDocument"])) yield return new IamStatement(role, statement);
            }
        }
        foreach (var policy in template.ResourcesOfType("AWS::IAM::Policy").Concat(template.ResourcesOfType("AWS::IAM::ManagedPolicy")))
        {
            foreach (var statement in Statements(template.Properties(policy)["PolicyDocument"])) yield return new IamStatement(policy, statement);
        }
    }

    /// <summary>Statements of the bucket policies attached to <paramref name="bucket"/> (by <c>!Ref bucket</c>).</summary>
    public static IEnumerable<IamStatement> OfBucket(CfnTemplate template, string bucket) =>
        from policy in template.ResourcesOfType("AWS::S3::BucketPolicy")
        let properties = template.Properties(policy)
        where CfnTemplate.Str(properties["Bucket"]?["Ref"]) == bucket
        from statement in Statements(properties["PolicyDocument"])
        select new IamStatement(policy, statement);

    private static IEnumerable<JsonObject> Statements(JsonNode? document) =>
        CfnTemplate.Many(document?["Statement"]).OfType<JsonObject>();

    private static string Text(JsonNode? node) => CfnTemplate.Str(node) ?? node?.ToJsonString() ?? "";
}
