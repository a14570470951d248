using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Catalog;
using SpotifyWorker.Pipeline.DuckDb;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Query;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Tests.TestSupport;

/// <summary>A local lake in a temp folder with the real pipeline (DuckDB transform, commit log) wired by hand.</summary>
public sealed class TestLake : IDisposable
{
    private readonly TempDirectory _dir = new();

    public TestLake(BatchOptions? batch = null, IFaultInjector? faults = null, ICatalog? catalog = null, IQueryEngine? query = null, TimeProvider? time = null, TimeSpan? garbageGrace = null, CompactionOptions? compaction = null, Func<IObjectStore, IObjectStore>? raw = null, long? rewriteRunRows = null, long? firstLoadInlineSortRows = null)
    {
        Store = new LocalObjectStore(_dir.Path, LakeLayout.DataPrefixes); // as AddPipeline builds it
        // raw: a test may read the raw files through a store that disturbs some reads; the lake is always the folder.
        Stores = new LakeStores(raw?.Invoke(Store) ?? Store, "raw/", Store);
        Time = time ?? TimeProvider.System;
        Log = new CommitLog(Store, Options.Create(new ManifestOptions { CheckpointInterval = 3 }), NullLogger<CommitLog>.Instance);
        DuckDb = new DuckDbOptions { MemoryLimit = "512MB", Threads = 2 };
        if (rewriteRunRows is { } runRows) DuckDb.RewriteRunRows = runRows;
        // Test data is small, so a first load sorts inside its COPY unless a test asks for the temporary table (0).
        DuckDb.FirstLoadInlineSortRows = firstLoadInlineSortRows;
        Transform = new DuckDbTransform(Stores, Options.Create(DuckDb), faults ?? NoFaults.Instance, NoProgress.Instance, NullLogger<DuckDbTransform>.Instance);
        Runner = new PipelineRunner(
            Stores,
            Log,
            Transform,
            catalog ?? new NoCatalog(),
            query ?? new NoViews(),
            new GarbageCollector(Stores, Log, Options.Create(new ManifestOptions { GarbageGracePeriod = garbageGrace ?? TimeSpan.FromHours(1) }), Time, NullLogger<GarbageCollector>.Instance),
            Options.Create(new PipelineOptions { Lake = _dir.Path }),
            Options.Create(batch ?? new BatchOptions()),
            Options.Create(compaction ?? new CompactionOptions()),
            faults ?? NoFaults.Instance,
            NoProgress.Instance,
            Time,
            NullLogger<PipelineRunner>.Instance);
    }

    public string Root => _dir.Path;
    public LocalObjectStore Store { get; }
    public LakeStores Stores { get; }
    public TimeProvider Time { get; }
    public CommitLog Log { get; }
    public DuckDbOptions DuckDb { get; }
    public DuckDbTransform Transform { get; }
    public PipelineRunner Runner { get; }

    public Task PutAsync(string key, string content) => PutAsync(key, Encoding.UTF8.GetBytes(content));

    public async Task PutAsync(string key, byte[] content) =>
        await Store.PutAsync(key, new MemoryStream(content), CancellationToken.None);

    public Task<RunSummary> RunAsync(CancellationToken cancellationToken = default) =>
        Runner.RunOnceAsync(PipelineRunner.NewRunId(Time), NoLease.Instance, cancellationToken);

    /// <summary>Compacts silver now, as the <c>compact</c> verb does; null when there was nothing to compact.</summary>
    public Task<CompactionSummary?> CompactAsync(CancellationToken cancellationToken = default) =>
        Runner.CompactNowAsync(PipelineRunner.NewRunId(Time), NoLease.Instance, cancellationToken);

    /// <summary>Runs and fails the test with the run's error if it did not succeed.</summary>
    public async Task<RunSummary> RunOkAsync()
    {
        var summary = await RunAsync();
        if (summary.Outcome is RunOutcome.Failed or RunOutcome.Yielded or RunOutcome.Cancelled)
        {
            throw new InvalidOperationException($"Run {summary.Outcome}: {summary.Error}");
        }
        return summary;
    }

    /// <summary>Rows of a committed table as sorted, comparable text lines.</summary>
    public async Task<IReadOnlyList<string>> RowsAsync(string table, string columns = "*", string orderBy = "1") =>
        await RowsAsync(Store, await Log.LoadAsync(CancellationToken.None), table, columns, orderBy);

    /// <summary>Rows of a table of any local lake's committed state, read from its files as the readers read them.</summary>
    public static async Task<IReadOnlyList<string>> RowsAsync(LocalObjectStore store, ManifestState state, string table, string columns = "*", string orderBy = "1")
    {
        var files = state.FilesOf(table).Select(f => store.PathOf(f.Key)).ToList();
        if (files.Count == 0) return [];
        var hive = table == Tables.Gold ? ", hive_partitioning = true" : "";
        return await QueryLinesAsync($"SELECT {columns} FROM read_parquet({DuckDbSession.List(files)}{hive}) ORDER BY {orderBy}");
    }

    /// <summary>
    /// Lines of a query over the Parquet metadata (DuckDB's parquet_metadata) of the committed files of some tables:
    /// how they were written (codecs, encodings, row groups) rather than what they hold.
    /// </summary>
    public async Task<IReadOnlyList<string>> ParquetMetadataAsync(IEnumerable<string> tables, string columns, string? groupBy = null)
    {
        var state = await Log.LoadAsync(CancellationToken.None);
        var files = tables.SelectMany(state.FilesOf).Select(f => Store.PathOf(f.Key)).ToList();
        if (files.Count == 0) return [];
        var grouping = groupBy is null ? "" : $" GROUP BY {groupBy}";
        return await QueryLinesAsync($"SELECT {columns} FROM parquet_metadata({DuckDbSession.List(files)}){grouping} ORDER BY 1");
    }

    private static async Task<IReadOnlyList<string>> QueryLinesAsync(string sql)
    {
        using var scratch = new TempDirectory();
        using var db = DuckDbSession.Open(new DuckDbOptions { MemoryLimit = "512MB", Threads = 2 }, scratch.Path);
        var result = await db.QueryAsync(sql, CancellationToken.None);
        return [.. result.Rows.Select(r => string.Join(" | ", r.Select(Format)))];
    }

    /// <summary>Every file under the data prefixes on disk, to compare with the committed set.</summary>
    public async Task<IReadOnlyList<string>> DataFilesOnDiskAsync()
    {
        var keys = new List<string>();
        foreach (var prefix in LakeLayout.DataPrefixes)
        {
            await foreach (var info in Store.ListAsync(prefix)) keys.Add(info.Key);
        }
        return keys;
    }

    public Task<IReadOnlyList<string>> GoldAsync() => RowsAsync(Tables.Gold, orderBy: "track_id");

    public Task<IReadOnlyList<string>> QuarantineAsync() =>
        RowsAsync(Tables.Quarantine, "source_key, line, reason, raw_line", "source_key, line");

    private static string Format(object? value) => value switch
    {
        null => "NULL",
        System.Collections.IEnumerable list and not string => "[" + string.Join(",", list.Cast<object?>().Select(Format)) + "]",
        DateOnly d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public void Dispose() => _dir.Dispose();

    private sealed class NoCatalog : ICatalog
    {
        public Task<CatalogRefresh> RefreshAsync(ManifestState state, CancellationToken cancellationToken) => Task.FromResult(new CatalogRefresh([], []));
    }

    private sealed class NoViews : IQueryEngine
    {
        public bool ViewsReadCatalog => false;

        public Task RefreshViewsAsync(ManifestState state, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<QueryResult> QueryAsync(string sql, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
