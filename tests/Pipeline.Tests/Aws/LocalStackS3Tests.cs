using System.Net.Sockets;
using System.Text;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Aws;
using SpotifyWorker.Pipeline.Aws.S3;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.Aws.Support;
using Testcontainers.LocalStack;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Aws;

/// <summary>
/// The S3 store and the commit log on LocalStack in Docker (Testcontainers), as a second emulator beside moto.
/// Where no Docker daemon answers, the test is skipped and says why.
/// </summary>
public sealed class LocalStackS3Tests : IAsyncLifetime
{
    private const string Image = "localstack/localstack:4.4";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private LocalStackContainer? _localStack;
    private string? _noDocker;

    public async ValueTask InitializeAsync()
    {
        _noDocker = DockerProblem();
        if (_noDocker is not null) return;
        _localStack = new LocalStackBuilder(Image).Build();
        await _localStack.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_localStack is not null) await _localStack.DisposeAsync();
    }

    /// <summary>Null when a Docker daemon answers on DOCKER_HOST or /var/run/docker.sock, else why not.</summary>
    private static string? DockerProblem()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrEmpty(host) && !host.StartsWith("unix://", StringComparison.Ordinal)) return null; // a TCP daemon: let Testcontainers try it
        var path = string.IsNullOrEmpty(host) ? "/var/run/docker.sock" : host["unix://".Length..];
        if (!File.Exists(path)) return $"no Docker daemon: {path} does not exist";
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return null;
        }
        catch (SocketException e)
        {
            return $"no Docker daemon answers on {path}: {e.Message}";
        }
    }

    [Fact]
    public async Task S3StoreAndCommitLog_OnLocalStack_ConditionalWritesListingAndReadsWork()
    {
        if (_noDocker is not null) Assert.Skip($"Docker is not available ({_noDocker}); this LocalStack run of the S3 tests needs it. The same checks run against moto in S3ObjectStoreTests.");
        var options = new AwsOptions { Region = "us-east-1", ServiceUrl = _localStack!.GetConnectionString(), ForcePathStyle = true };
        using var s3 = AwsServiceCollectionExtensions.CreateS3Client(options, MotoServer.Credentials);
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = "lake" }, Ct);
        var store = new S3ObjectStore(s3, "lake", "prefix/", new S3StoreSettings(MultipartThreshold: 6 << 20, PartSize: 5 << 20), TimeProvider.System) { PageSize = 3 };

        var racers = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            try
            {
                await store.PutIfAbsentAsync("_pipeline/lease.json", new MemoryStream(Encoding.UTF8.GetBytes($"{{\"writer\":{i}}}")), Ct);
                return true;
            }
            catch (PreconditionFailedException)
            {
                return false;
            }
        }));
        var lease = (await store.HeadAsync("_pipeline/lease.json", Ct))!;
        await store.PutIfMatchAsync("_pipeline/lease.json", new MemoryStream("{}"u8.ToArray()), lease.ETag, Ct);
        await Assert.ThrowsAsync<PreconditionFailedException>(() => store.PutIfMatchAsync("_pipeline/lease.json", new MemoryStream("{}"u8.ToArray()), lease.ETag, Ct));

        var log = new CommitLog(store, Options.Create(new ManifestOptions { CheckpointInterval = 2 }), NullLogger<CommitLog>.Instance);
        var state = ManifestState.Empty;
        for (var seq = 1; seq <= 5; seq++)
        {
            state = await log.CommitAsync(state, new CommitEntry(seq, $"c{seq}", "run", DateTimeOffset.UnixEpoch, [], [], [], new BatchStats(0, 0, 0, 0, [], 0)), Ct);
        }
        await Assert.ThrowsAsync<CommitConflictException>(() => log.CommitAsync(state with { Seq = 4 }, new CommitEntry(5, "other", "run", DateTimeOffset.UnixEpoch, [], [], [], new BatchStats(0, 0, 0, 0, [], 0)), Ct));
        var big = new byte[(11 << 20) + 7];
        Random.Shared.NextBytes(big);
        await store.PutAsync("silver/big.parquet", new MemoryStream(big), Ct);

        Assert.Single(racers, won => won);
        Assert.Equal(5, (await log.LoadAsync(Ct)).Seq);
        Assert.Equal(big.Length, (await store.HeadAsync("silver/big.parquet", Ct))!.Size);
    }
}
