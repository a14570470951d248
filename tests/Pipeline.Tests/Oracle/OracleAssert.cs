using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Oracle;

/// <summary>
/// Compares a lake's committed gold table (every column, row by row) and its quarantine (file, line, reason code and
/// raw text) with <see cref="GoldOracle"/> over the raw files the lake's manifest says it processed, in its batches.
/// </summary>
internal static class OracleAssert
{
    public static Task MatchesAsync(TestLake lake) => MatchesAsync(lake.Store, lake.Stores.Raw);

    /// <summary>A lake folder whose raw files are in the same folder (the reliability tests' lakes).</summary>
    public static Task MatchesAsync(string lakeRoot)
    {
        var store = new LocalObjectStore(lakeRoot);
        return MatchesAsync(store, store);
    }

    /// <summary>A local lake (a mirror of an S3 lake, say) whose raw files are in <paramref name="raw"/>.</summary>
    public static async Task MatchesAsync(LocalObjectStore lake, IObjectStore raw)
    {
        var ct = TestContext.Current.CancellationToken;
        var state = await TestLakeLog(lake).LoadAsync(ct);
        var expected = await GoldOracle.OfStateAsync(state, raw, ct);
        var gold = (await TestLake.RowsAsync(lake, state, Tables.Gold, orderBy: "track_id")).Order(StringComparer.Ordinal).ToList();
        var quarantine = (await TestLake.RowsAsync(lake, state, Tables.Quarantine, "source_key, line, split_part(reason, ':', 1), raw_line", "source_key, line"))
            .Order(StringComparer.Ordinal).ToList();

        var problems = Difference("gold", expected.Gold, gold) + Difference("quarantine", expected.Quarantine, quarantine);
        Assert.True(problems.Length == 0, problems);
    }

    /// <summary>Nothing when equal, else the first rows that differ on each side (whole lists of hundreds of rows help nobody).</summary>
    public static string Difference(string table, IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        if (expected.SequenceEqual(actual)) return "";
        var missing = expected.Except(actual).Take(5).ToList();
        var extra = actual.Except(expected).Take(5).ToList();
        return $"{table} differs from the oracle: {expected.Count} rows expected, {actual.Count} found.\n" +
            $"expected but missing (first 5):\n  {string.Join("\n  ", missing)}\nfound but not expected (first 5):\n  {string.Join("\n  ", extra)}\n";
    }

    private static CommitLog TestLakeLog(LocalObjectStore lake) =>
        new(lake, Microsoft.Extensions.Options.Options.Create(new ManifestOptions()), Microsoft.Extensions.Logging.Abstractions.NullLogger<CommitLog>.Instance);
}
