using SpotifyWorker.Pipeline.Aws.Http;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Aws;

/// <summary>
/// The signer against cases of the published AWS SigV4 test suite (aws-sig-v4-test-suite: credentials AKIDEXAMPLE,
/// us-east-1, service "service", 2015-08-30T12:36:00Z), each with its canonical request, string to sign and
/// Authorization header as published.
/// </summary>
public sealed class AwsSigV4SignerTests
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset Time = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
    private const string Scope = "20150830/us-east-1/service/aws4_request";
    private const string Empty = AwsSigV4Signer.EmptyPayloadHash;

    public sealed record Vector(string Name, SigV4Request Request, string CanonicalRequest, string StringToSign, string Authorization)
    {
        public override string ToString() => Name;
    }

    private static KeyValuePair<string, string> H(string name, string value) => new(name, value);

    private static readonly KeyValuePair<string, string>[] Vanilla = [H("Host", "example.amazonaws.com"), H("X-Amz-Date", "20150830T123600Z")];

    public static TheoryData<Vector> Vectors =>
    [
        new Vector(
            "get-vanilla",
            new SigV4Request("GET", "/", [], Vanilla, Empty),
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + Empty,
            $"AWS4-HMAC-SHA256\n20150830T123600Z\n{Scope}\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
            $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{Scope}, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        new Vector(
            "post-vanilla",
            new SigV4Request("POST", "/", [], Vanilla, Empty),
            "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + Empty,
            $"AWS4-HMAC-SHA256\n20150830T123600Z\n{Scope}\n553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87",
            $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{Scope}, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        new Vector(
            "get-vanilla-query-order-key-case",
            new SigV4Request("GET", "/", [H("Param2", "value2"), H("Param1", "value1")], Vanilla, Empty),
            "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + Empty,
            $"AWS4-HMAC-SHA256\n20150830T123600Z\n{Scope}\n816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
            $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{Scope}, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        // As the suite in awslabs/aws-c-auth carries it: the payload hash is also a signed header.
        new Vector(
            "post-x-www-form-urlencoded",
            new SigV4Request("POST", "/", [],
                [H("Content-Type", "application/x-www-form-urlencoded"), H("Content-Length", "13"), .. Vanilla,
                 H("x-amz-content-sha256", "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e")],
                "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"),
            "POST\n/\n\ncontent-length:13\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\n" +
                "x-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e\nx-amz-date:20150830T123600Z\n\n" +
                "content-length;content-type;host;x-amz-content-sha256;x-amz-date\n9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
            $"AWS4-HMAC-SHA256\n20150830T123600Z\n{Scope}\nb1edd1d03544c25390e32085d55b57acc9a3961bb59415ff86c45c3d89d16cfb",
            $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{Scope}, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, Signature=d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b"),
        new Vector(
            "get-vanilla-with-session-token",
            new SigV4Request("GET", "/", [], [.. Vanilla, H("X-Amz-Security-Token", "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267")], Empty),
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\nx-amz-security-token:6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267\n\nhost;x-amz-date;x-amz-security-token\n" + Empty,
            $"AWS4-HMAC-SHA256\n20150830T123600Z\n{Scope}\n067b36aa60031588cea4a4cde1f21215227a047690c72247f1d70b32fbbfad2b",
            $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{Scope}, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"),
        new Vector(
            "get-header-value-trim",
            new SigV4Request("GET", "/", [], [.. Vanilla, H("My-Header1", " value1"), H("My-Header2", " \"a   b   c\"")], Empty),
            "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\nx-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\n" + Empty,
            $"AWS4-HMAC-SHA256\n20150830T123600Z\n{Scope}\na726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7",
            $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{Scope}, SignedHeaders=host;my-header1;my-header2;x-amz-date, Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
    ];

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Sign_PublishedVector_MatchesCanonicalRequestStringToSignAndAuthorization(Vector vector)
    {
        var signed = AwsSigV4Signer.Sign(vector.Request, AccessKey, SecretKey, "us-east-1", "service", Time);

        Assert.Equal(vector.CanonicalRequest, signed.CanonicalRequest);
        Assert.Equal(vector.StringToSign, signed.StringToSign);
        Assert.Equal(vector.Authorization, signed.Authorization);
    }

    [Fact]
    public void AmzDate_AnyOffset_IsUtcBasicFormat()
    {
        Assert.Equal("20150830T123600Z", AwsSigV4Signer.AmzDate(new DateTimeOffset(2015, 8, 30, 14, 36, 0, TimeSpan.FromHours(2))));
    }
}
