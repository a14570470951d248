using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Query;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Reliability;

/// <summary>tests/corpus/expected.json: what the pipeline must make of each checked-in bad input.</summary>
public sealed record CorpusExpectations(IReadOnlyList<FileExpectation> Files, IReadOnlyList<GoldExpectation> Gold, int GoldRows)
{
    public static readonly string Folder = FindFolder();

    public static CorpusExpectations Load() =>
        JsonSerializer.Deserialize<CorpusExpectations>(File.ReadAllText(Path.Combine(Folder, "expected.json")), new JsonSerializerOptions(JsonSerializerDefaults.Web))
        ?? throw new InvalidDataException("tests/corpus/expected.json is empty");

    /// <summary>The corpus is read where it is checked in, so what runs is exactly what git holds.</summary>
    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "corpus");
            if (File.Exists(Path.Combine(candidate, "expected.json"))) return candidate;
        }
        throw new DirectoryNotFoundException($"tests/corpus/expected.json not found above {AppContext.BaseDirectory}");
    }
}

public sealed record FileExpectation(string File, string Case, string Outcome, long? RowsRead, IReadOnlyList<RejectExpectation>? Rejects, string? Code, string? Detail);

public sealed record RejectExpectation(long Line, string Code, string? Detail, string? RawLine);

public sealed record GoldExpectation(string Track, string Case, string? Expr, string? Value, bool Absent);

/// <summary>The whole corpus put into one lake and processed by one run of the production wiring, then read back.</summary>
public sealed class CorpusLake : IAsyncLifetime
{
    private readonly TempDirectory _lake = new();
    private ServiceProvider? _services;

    public CorpusExpectations Expected { get; } = CorpusExpectations.Load();

    public RunSummary First { get; private set; } = null!;

    public RunSummary Second { get; private set; } = null!;

    public ManifestState State { get; private set; } = ManifestState.Empty;

    /// <summary>Quarantine rows: source_key, line, reason, raw_line.</summary>
    public IReadOnlyList<(string Key, long? Line, string Reason, string? RawLine)> Quarantine { get; private set; } = [];

    public IReadOnlyDictionary<string, long> SilverRows { get; private set; } = new Dictionary<string, long>();

    public IQueryEngine Query => _services!.GetRequiredService<IQueryEngine>();

    public async ValueTask InitializeAsync()
    {
        var raw = Path.Combine(CorpusExpectations.Folder, "raw");
        foreach (var path in Directory.EnumerateFiles(raw, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_lake.Path, "raw", Path.GetRelativePath(raw, path));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(path, target);
        }
        _services = PipelineServices.Create(_lake.Path);
        var ct = TestContext.Current.CancellationToken;
        First = await _services.GetRequiredService<RunCoordinator>().RunAsync(ct);
        Second = await _services.GetRequiredService<RunCoordinator>().RunAsync(ct);
        State = await _services.GetRequiredService<CommitLog>().LoadAsync(ct);

        var quarantine = await Query.QueryAsync("SELECT source_key, line, reason, raw_line FROM quarantine ORDER BY source_key, line", ct);
        Quarantine = [.. quarantine.Rows.Select(r => ((string)r[0]!, r[1] is null ? (long?)null : Convert.ToInt64(r[1], System.Globalization.CultureInfo.InvariantCulture), (string)r[2]!, (string?)r[3]))];
        var silver = await Query.QueryAsync(
            "SELECT _source_key, count(*) FROM (SELECT _source_key FROM silver_artists UNION ALL SELECT _source_key FROM silver_albums UNION ALL SELECT _source_key FROM silver_tracks) GROUP BY 1", ct);
        SilverRows = silver.Rows.ToDictionary(r => (string)r[0]!, r => Convert.ToInt64(r[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    public ValueTask DisposeAsync()
    {
        _services?.Dispose();
        _lake.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The bad-input corpus (tests/corpus/raw, checked in as bytes): each file's outcome, rows kept, rejected lines and
/// reason codes, and what gold holds, as tests/corpus/expected.json says. One test row per expectation.
/// </summary>
public sealed class CorpusTests(CorpusLake corpus) : IClassFixture<CorpusLake>
{
    public static TheoryData<string> Files() => [.. CorpusExpectations.Load().Files.Select(f => f.File)];

    public static TheoryData<int, string> GoldChecks() => [.. CorpusExpectations.Load().Gold.Select((g, i) => (i, $"{g.Track}: {g.Case}"))];

    [Fact]
    public void RunOnce_Corpus_EveryFileHasAnExpectationAndNothingElseIsQuarantined()
    {
        var onDisk = Directory.EnumerateFiles(Path.Combine(CorpusExpectations.Folder, "raw"), "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Path.Combine(CorpusExpectations.Folder, "raw"), p).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal);
        Assert.Equal(onDisk, corpus.Expected.Files.Select(f => f.File).Order(StringComparer.Ordinal));

        Assert.Equal(RunOutcome.Succeeded, corpus.First.Outcome);
        Assert.Equal(corpus.Expected.Files.Count(f => f.Outcome == "ignored"), corpus.First.IgnoredObjects);
        Assert.Equal(corpus.Expected.Files.Count(f => f.Outcome == "quarantined"), corpus.First.FilesQuarantined);
        Assert.Equal(corpus.Expected.Files.Sum(f => f.Rejects?.Count ?? 0), corpus.First.RowsRejected);
        Assert.Equal(corpus.Expected.Files.Sum(f => f.Rejects?.Count ?? 0) + corpus.Expected.Files.Count(f => f.Outcome == "quarantined"), corpus.Quarantine.Count);
        Assert.Equal(corpus.Expected.GoldRows, corpus.State.RowsOf(Tables.Gold));
    }

    [Fact]
    public void RunOnce_CorpusRunTwice_SecondRunFindsNothingNewSoQuarantinedFilesAreNotRetried()
    {
        Assert.Equal(RunOutcome.NothingNew, corpus.Second.Outcome);
        Assert.Equal(1, corpus.State.Seq);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void RunOnce_CorpusFile_OutcomeRowsAndReasonsAsExpected(string file)
    {
        var expected = corpus.Expected.Files.Single(f => f.File == file);
        var key = "raw/" + file;
        var record = corpus.State.Files.Values.SingleOrDefault(f => f.Key == key);
        var quarantined = corpus.Quarantine.Where(q => q.Key == key).ToList();
        switch (expected.Outcome)
        {
            case "ignored":
                Assert.Null(record);
                Assert.Empty(quarantined);
                break;
            case "quarantined":
                Assert.NotNull(record);
                Assert.Equal(FileOutcome.Quarantined, record.Outcome);
                Assert.StartsWith(expected.Code + ": ", record.Reason, StringComparison.Ordinal);
                if (expected.Detail is not null) Assert.Contains(expected.Detail, record.Reason, StringComparison.Ordinal);
                var whole = Assert.Single(quarantined);
                Assert.Null(whole.Line);
                Assert.Equal(record.Reason, whole.Reason);
                Assert.False(corpus.SilverRows.ContainsKey(key), "nothing of a quarantined file reaches silver");
                break;
            case "processed":
                Assert.NotNull(record);
                Assert.Equal(FileOutcome.Processed, record.Outcome);
                var rejects = expected.Rejects ?? [];
                Assert.Equal(expected.RowsRead, record.RowsRead);
                Assert.Equal(rejects.Count, record.RowsRejected);
                Assert.Equal(expected.RowsRead - rejects.Count, corpus.SilverRows.GetValueOrDefault(key));
                Assert.Equal(rejects.Select(r => r.Line), quarantined.Select(q => q.Line ?? -1));
                foreach (var (reject, row) in rejects.Zip(quarantined))
                {
                    Assert.StartsWith(reject.Code + ": ", row.Reason, StringComparison.Ordinal);
                    if (reject.Detail is not null) Assert.Contains(reject.Detail, row.Reason, StringComparison.Ordinal);
                    if (reject.RawLine is not null) Assert.Equal(reject.RawLine, row.RawLine);
                }
                break;
            default:
                Assert.Fail($"{file}: unknown outcome '{expected.Outcome}' in expected.json");
                break;
        }
    }

    [Theory]
    [MemberData(nameof(GoldChecks))]
    public async Task RunOnce_CorpusGold_HoldsExpectedValue(int index, string description)
    {
        var check = corpus.Expected.Gold[index];
        var track = Pipeline.DuckDb.DuckDbSession.Literal(check.Track);
        var result = await corpus.Query.QueryAsync(
            $"SELECT CAST(({check.Expr ?? "NULL"}) AS VARCHAR) FROM spotify_tracks WHERE track_id = {track}", TestContext.Current.CancellationToken);
        if (check.Absent)
        {
            Assert.True(result.Rows.Count == 0, $"{description}: the track is in gold");
            return;
        }
        var row = Assert.Single(result.Rows);
        Assert.Equal(check.Value, (string?)row[0]);
    }
}
