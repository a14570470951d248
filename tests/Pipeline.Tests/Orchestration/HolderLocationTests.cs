using System.Net;
using System.Text;
using SpotifyWorker.Pipeline.Orchestration;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Orchestration;

public sealed class HolderLocationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class Endpoint(HttpStatusCode status, string body) : HttpMessageHandler
    {
        public List<Uri> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.RequestUri!);
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }

    [Fact]
    public async Task GetAsync_OnEcs_ReturnsTheTaskArnFromTheTaskMetadataEndpointOnce()
    {
        var endpoint = new Endpoint(HttpStatusCode.OK, """{"Cluster":"spotify","TaskARN":"arn:aws:ecs:eu-west-1:123456789012:task/spotify/0abc"}""");
        var location = new HolderLocation("http://169.254.170.2/v4/abc", endpoint);

        var first = await location.GetAsync(Ct);
        var second = await location.GetAsync(Ct);

        Assert.Equal("arn:aws:ecs:eu-west-1:123456789012:task/spotify/0abc", first);
        Assert.Equal(first, second);
        Assert.Equal(new Uri("http://169.254.170.2/v4/abc/task"), Assert.Single(endpoint.Requests));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.OK, "{}")]
    [InlineData("http://169.254.170.2/v4/abc", HttpStatusCode.InternalServerError, "{}")]
    [InlineData("http://169.254.170.2/v4/abc", HttpStatusCode.OK, "not json")]
    public async Task GetAsync_NoEcsOrNoAnswer_ReturnsHostAndProcessId(string? uri, HttpStatusCode status, string body)
    {
        var location = new HolderLocation(uri, new Endpoint(status, body));

        Assert.Equal($"host {Environment.MachineName} pid {Environment.ProcessId}", await location.GetAsync(Ct));
    }
}
