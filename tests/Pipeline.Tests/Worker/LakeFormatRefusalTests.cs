using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Worker.Cli;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Worker;

/// <summary>
/// This worker meeting a lake that a newer one upgraded past <see cref="LakeFormat.Current"/>: every verb that
/// opens the lake refuses with exit 2 and a message naming the lake and both formats, and leaves the lake's files
/// byte for byte as they were (no lease, no lock file, no ETag cache, no scratch, no log entry, no catalog).
/// </summary>
public sealed class LakeFormatRefusalTests : IDisposable
{
    private readonly TempDirectory _lake = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _lake.Dispose();

    private async Task MakeNewerLakeAsync()
    {
        LakeFixture.CopyTo(LakeFixture.Format1, _lake.Path);
        var store = new LocalObjectStore(_lake.Path);
        var log = new CommitLog(store, Options.Create(new ManifestOptions()), NullLogger<CommitLog>.Instance);
        var state = await log.LoadAsync(Ct);
        var newer = new CommitEntry(state.Seq + 1, Guid.NewGuid().ToString("N"), "newer-worker", DateTimeOffset.UnixEpoch, [], [], [], new BatchStats(0, 0, 0, 0, [], 0))
        {
            Kind = CommitKind.Upgrade,
            Format = LakeFormat.Current + 1,
        };
        await log.CommitAsync(state, newer, Ct);
        // No ETag cache (log documents are not cached, but other listings may have made one): a listing of the raw
        // files would write it, so "nothing written" is strict.
        var cache = Path.Combine(_lake.Path, "_pipeline", "cache");
        if (Directory.Exists(cache)) Directory.Delete(cache, recursive: true);
    }

    public static TheoryData<string[]> Verbs => new()
    {
        new[] { "run-once" },
        new[] { "reprocess", "--from", "2" },
        new[] { "plan" },
        new[] { "status" },
        new[] { "query", "SELECT count(*) FROM spotify_tracks" },
        new[] { "report" },
        new[] { "unlock", "some-run" },
        new[] { "demo" },
    };

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task Verb_LakeOfANewerFormat_ExitsTwoAndWritesNothing(string[] verb)
    {
        await MakeNewerLakeAsync();
        var before = LakeFixture.Tree(_lake.Path);

        var (code, output, error) = await WorkerCliRun.RunAsync(_lake.Path, [.. verb, "--log-format", "text"]);

        Assert.True(code == ExitCodes.BadUsage, $"{string.Join(' ', verb)} exited {code}: {error}{output}");
        Assert.Contains($"is format {LakeFormat.Current + 1}", error, StringComparison.Ordinal);
        Assert.Contains($"knows formats up to {LakeFormat.Current}", error, StringComparison.Ordinal);
        Assert.Contains(Path.GetFullPath(_lake.Path), error, StringComparison.Ordinal);
        Assert.Equal(before, LakeFixture.Tree(_lake.Path));
    }
}
