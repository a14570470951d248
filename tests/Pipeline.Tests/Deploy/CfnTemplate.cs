using System.Text.Json.Nodes;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace SpotifyWorker.Pipeline.Tests.Deploy;

/// <summary>
/// A CloudFormation YAML template as the JSON tree CloudFormation itself sees: short-form intrinsics become
/// their long form (<c>!Ref X</c> is <c>{"Ref": "X"}</c>, <c>!GetAtt A.B</c> is <c>{"Fn::GetAtt": ["A", "B"]}</c>,
/// <c>!Sub s</c> is <c>{"Fn::Sub": "s"}</c>, any other <c>!Name v</c> is <c>{"Fn::Name": v}</c>). Scalars stay strings.
/// </summary>
internal sealed class CfnTemplate(JsonObject root)
{
    public const string WorkerTemplate = "deploy/ecs/spotify-worker.yaml";

    private static readonly Lazy<CfnTemplate> Worker = new(() => Parse(RepoFiles.Read(WorkerTemplate)));

    public static CfnTemplate Load() => Worker.Value;

    public JsonObject Root { get; } = root;

    public JsonObject Resource(string logicalId) =>
        Root["Resources"]?[logicalId]?.AsObject() ?? throw new KeyNotFoundException($"{WorkerTemplate} has no resource {logicalId}");

    public JsonObject Properties(string logicalId) => Resource(logicalId)["Properties"]!.AsObject();

    public IEnumerable<string> ResourcesOfType(string type) =>
        Root["Resources"]!.AsObject().Where(r => Str(r.Value?["Type"]) == type).Select(r => r.Key);

    /// <summary>The single resource of a type (the template has one task definition, one service...).</summary>
    public string Single(string type) => Assert.Single(ResourcesOfType(type));

    public static CfnTemplate Parse(string yaml)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(yaml)) stream.Load(reader);
        return new CfnTemplate(Convert(stream.Documents[0].RootNode)!.AsObject());
    }

    /// <summary>The text of a scalar node, or null for anything else.</summary>
    public static string? Str(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    /// <summary>A node that may be a single value or a list of them (IAM's Action and Resource), as a list.</summary>
    public static IReadOnlyList<JsonNode?> Many(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => [.. array],
        _ => [node],
    };

    private static JsonNode? Convert(YamlNode node)
    {
        JsonNode? value = node switch
        {
            YamlScalarNode scalar => scalar.Value is null ? null : JsonValue.Create(scalar.Value),
            YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Convert)]),
            YamlMappingNode mapping => new JsonObject(mapping.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value!, Convert(p.Value)))),
            _ => throw new NotSupportedException($"YAML node {node.NodeType} at {node.Start}"),
        };
        return node.Tag.IsEmpty || node.Tag.IsNonSpecific ? value : Intrinsic(node.Tag.Value.TrimStart('!'), value);
    }

    private static JsonObject Intrinsic(string name, JsonNode? value) => name switch
    {
        "Ref" or "Condition" => new JsonObject { [name] = value },
        "GetAtt" when Str(value) is { } dotted => new JsonObject { ["Fn::GetAtt"] = new JsonArray([.. dotted.Split('.', 2).Select(p => (JsonNode)p)]) },
        _ => new JsonObject { ["Fn::" + name] = value },
    };
}
