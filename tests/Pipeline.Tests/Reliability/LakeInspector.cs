using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Query;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Pipeline.Transform;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Reliability;

/// <summary>
/// Reads a lake folder from the outside, the way an analyst or the next worker would, and checks the invariants
/// every reliability test ends with: the committed state is readable, every raw file is recorded exactly once,
/// the log has no gap, and nothing but committed files is left under the data prefixes.
/// </summary>
internal static class LakeInspector
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static CommitLog Log(string lake) =>
        new(new LocalObjectStore(lake), Options.Create(new ManifestOptions()), NullLogger<CommitLog>.Instance);

    public static Task<ManifestState> StateAsync(string lake) => Log(lake).LoadAsync(Ct);

    /// <summary>Rows of one query through the production query engine (the <c>query</c> verb), as comparable text.</summary>
    public static async Task<IReadOnlyList<string>> QueryAsync(string lake, string sql)
    {
        using var services = PipelineServices.Create(lake);
        var result = await services.GetRequiredService<IQueryEngine>().QueryAsync(sql, Ct);
        return [.. result.Rows.Select(r => string.Join('|', r.Select(Format)))];
    }

    public static Task<IReadOnlyList<string>> GoldAsync(string lake) =>
        QueryAsync(lake, "SELECT * FROM spotify_tracks ORDER BY track_id");

    public static Task<IReadOnlyList<string>> QuarantineAsync(string lake) =>
        QueryAsync(lake, "SELECT entity, source_key, line, reason, raw_line, batch FROM quarantine ORDER BY ALL");

    /// <summary>
    /// Every raw input under raw/ is in the manifest in its current version, and no raw file version is named
    /// by two commit entries (none lost, none processed twice). The log's entries are exactly 1..Seq.
    /// </summary>
    public static Task AssertEveryRawFileRecordedOnceAsync(string lake)
    {
        var store = new LocalObjectStore(lake);
        return AssertEveryRawFileRecordedOnceAsync(store, store, Log(lake));
    }

    /// <inheritdoc cref="AssertEveryRawFileRecordedOnceAsync(string)"/>
    public static async Task AssertEveryRawFileRecordedOnceAsync(IObjectStore lake, IObjectStore raw, CommitLog log)
    {
        var state = await log.LoadAsync(Ct);

        var logKeys = new List<string>();
        await foreach (var info in lake.ListAsync(CommitLog.LogPrefix, cancellationToken: Ct)) logKeys.Add(info.Key);
        Assert.Equal(Enumerable.Range(1, (int)state.Seq).Select(s => CommitLog.LogKey(s)), logKeys);

        var entries = await log.ReadRecentAsync(state.Seq, (int)state.Seq, Ct);
        var recorded = entries.SelectMany(e => e.Files.Select(f => f.Version)).ToList();
        var twice = recorded.GroupBy(v => v).Where(g => g.Count() > 1).Select(g => g.Key.Key).ToList();
        Assert.True(twice.Count == 0, "raw files processed twice: " + string.Join(", ", twice));

        var inputs = new List<FileVersion>();
        await foreach (var info in raw.ListAsync("raw/", cancellationToken: Ct))
        {
            if (RawKeys.TryGetEntity("raw/", info.Key, out _)) inputs.Add(new FileVersion(info.Key, info.ETag));
        }
        var lost = inputs.Where(v => !state.Files.ContainsKey(v)).Select(v => v.Key).ToList();
        Assert.True(lost.Count == 0, "raw files missing from the manifest: " + string.Join(", ", lost));
        Assert.Equal(inputs.Count, state.Files.Count);
    }

    /// <summary>Nothing under silver/, quarantine/ or gold/ that no commit names.</summary>
    public static Task AssertNoGarbageAsync(string lake) => AssertNoGarbageAsync(new LocalObjectStore(lake), Log(lake));

    /// <inheritdoc cref="AssertNoGarbageAsync(string)"/>
    public static async Task AssertNoGarbageAsync(IObjectStore lake, CommitLog log)
    {
        var state = await log.LoadAsync(Ct);
        var stored = new List<string>();
        foreach (var prefix in LakeLayout.DataPrefixes)
        {
            await foreach (var info in lake.ListAsync(prefix, cancellationToken: Ct)) stored.Add(info.Key);
        }
        var garbage = stored.Except(state.LiveFiles.Keys).ToList();
        var missing = state.LiveFiles.Keys.Except(stored).ToList();
        Assert.True(garbage.Count == 0, "uncommitted data files left: " + string.Join(", ", garbage));
        Assert.True(missing.Count == 0, "committed data files missing: " + string.Join(", ", missing));
    }

    /// <summary>Nothing left in the lake's scratch folder: no staged copy of a batch, no spill, no half-written object.</summary>
    public static void AssertNoScratchLeft(string lake)
    {
        var scratch = Path.Combine(lake, "_pipeline", "tmp");
        var left = Directory.Exists(scratch)
            ? Directory.EnumerateFileSystemEntries(scratch, "*", SearchOption.AllDirectories)
                .Select(p => Path.GetRelativePath(scratch, p))
                .Where(p => File.Exists(Path.Combine(scratch, p)) || Path.GetFileName(p).StartsWith("batch-", StringComparison.Ordinal) || Path.GetFileName(p).StartsWith("duckdb-", StringComparison.Ordinal))
                .ToList()
            : [];
        Assert.True(left.Count == 0, "scratch left under _pipeline/tmp: " + string.Join(", ", left));
    }

    /// <summary>Copies a lake folder (raw files, data files, log) without its scratch and cache folders.</summary>
    public static void CopyLake(string from, string to)
    {
        foreach (var path in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, path).Replace(Path.DirectorySeparatorChar, '/');
            if (relative.StartsWith("_pipeline/tmp/", StringComparison.Ordinal) || relative.StartsWith("_pipeline/cache/", StringComparison.Ordinal)) continue;
            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(path, target);
        }
    }

    /// <summary>Settings as command-line arguments for the real executable.</summary>
    public static IEnumerable<string> AsArguments(IReadOnlyDictionary<string, string?> settings) =>
        settings.Select(s => $"--{s.Key}={s.Value}");

    private static string Format(object? value) => value switch
    {
        null => "NULL",
        System.Collections.IEnumerable list and not string => "[" + string.Join(",", list.Cast<object?>().Select(Format)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
