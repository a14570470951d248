using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using DuckDB.NET.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Catalog;
using SpotifyWorker.Pipeline.DuckDb;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Transform.Csv;

namespace SpotifyWorker.Pipeline.Transform;

/// <summary>
/// The embedded transform: raw files are staged by <see cref="RawFileStager"/> (see <see cref="StagingRun"/>), and DuckDB runs the shared
/// SQL (Transform/Sql) to validate, write silver and rewrite the affected gold partitions. Partitioned COPY is
/// not atomic, so gold is written to a staging folder, its row count checked, and each file moved to a new
/// unique name; nothing is visible until the orchestrator commits the output. <paramref name="faults"/> is
/// called after every file it puts into the lake (reliability tests crash there; production passes NoFaults).
/// </summary>
public sealed partial class DuckDbTransform(
    LakeStores stores,
    IOptions<DuckDbOptions> options,
    IFaultInjector faults,
    IRunProgress progress,
    ILogger<DuckDbTransform> logger) : ITransformEngine
{
    private readonly LocalObjectStore _lake = stores.Lake as LocalObjectStore
        ?? throw new InvalidOperationException("The DuckDB transform needs the local lake (Pipeline:Backend=local)");

    public async Task<BatchOutput> ExecuteAsync(BatchWork work, CancellationToken cancellationToken)
    {
        var workDir = NewWorkDirectory("batch", work.Seq);
        var staging = new StagingRun(stores.Raw, options.Value.ThreadCount, progress, work, workDir, cancellationToken);
        DuckDbSession? db = null;
        var handedOver = false;
        try
        {
            db = DuckDbSession.Open(options.Value, Path.Combine(workDir, "spill"));
            var batch = new BatchRun(db, work, staging, _lake, stores, faults, progress, options.Value, logger);
            BatchOutput output;
            try
            {
                output = await batch.RunAsync(workDir, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // Files already moved into the lake are named by no commit: remove them now rather than
                // leave them to the garbage collector's grace period.
                batch.DiscardWritten();
                throw;
            }
            var staged = staging.All;
            LogStaged(work.Seq, staged.Count, work.Files.Sum(f => f.Size), staged.Values.Sum(s => s.Result.RowsRead), staging.Seconds);
            // Closing the session (it frees the buffer pool) and removing the staged copies took about 50 ms of a scale-1
            // load with a core idle; they run beside the commit and the refresh instead (BatchOutput.Closing).
            handedOver = true;
            return output with
            {
                StepSeconds = new Dictionary<string, double>(output.StepSeconds) { ["transform.stage"] = staging.Seconds },
                Closing = Task.Run(() => CloseAsync(db, staging, workDir), CancellationToken.None),
            };
        }
        finally
        {
            if (!handedOver) await CloseAsync(db, staging, workDir).ConfigureAwait(false);
        }
    }

    /// <summary>Ends a batch: its session closed, its staging stopped, its scratch folder removed.</summary>
    private static async Task CloseAsync(DuckDbSession? db, StagingRun staging, string workDir)
    {
        db?.Dispose();
        await staging.StopAsync().ConfigureAwait(false);
        TryDelete(workDir);
    }

    /// <summary>A new scratch folder for one batch or compaction (staged files, spill), under the configured temp folder.</summary>
    private string NewWorkDirectory(string kind, long seq)
    {
        var tempRoot = options.Value.TempDirectory ?? _lake.PathOf(LocalObjectStore.TempPrefix + "duckdb");
        var workDir = Path.Combine(tempRoot, $"{kind}-{seq}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(workDir);
        return workDir;
    }

    /// <summary>The embedded engine keeps no state of its own: everything it knows is in the manifest.</summary>
    public Task ResetAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Dictionary encoding for the silver, compaction and quarantine files only where a column has at most this many
    /// distinct values in a row group. DuckDB's default (a fifth of the row group, 24,576) dictionary-encodes the
    /// album and artist ids and names of a silver file, each repeated about ten times in a row group, and building
    /// those dictionaries and their Bloom filters cost more than they saved: at scale 10 the albums' validation and
    /// silver write took about 0.87x the time with this limit, and the file came out 3% smaller. Columns of few
    /// values (album_type, label, the lineage columns) keep their dictionaries and Bloom filters. Reading the silver
    /// back for gold took the same time either way.
    /// </summary>
    internal const int LakeFileDictionaryLimit = 4_096;

    /// <summary>
    /// The codec of the silver, compaction and quarantine files: snappy, as Spark (the Glue job) writes them. These files
    /// are written once and read back by the same run's gold step, by later batches and by compaction, never by
    /// analysts, so they favour speed over size; gold, which analysts scan, stays zstd. At scale 10 zstd's level 3 took
    /// a quarter of the albums' validation and silver write (3.8 s against 2.9 s) and its decompression a few percent
    /// of the gold step, for files 1.65x smaller (145 MB against 242 MB of albums).
    /// </summary>
    internal const string LakeFileCodec = "snappy";

    /// <summary>
    /// Writes a relation (a name or a parenthesized query) to one Parquet file at a new unique lake key: written whole
    /// under a temporary name, then renamed, so the key never names a partial file. Returns the rows written; an empty
    /// relation publishes no file.
    /// </summary>
    private static async Task<long> WriteLakeFileAsync(DuckDbSession db, LocalObjectStore lake, string relation, string key, CancellationToken cancellationToken)
    {
        var target = lake.PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = target + ".tmp";
        var rows = await db.ExecuteCountAsync(
            $"COPY {relation} TO {DuckDbSession.Literal(temp)} (FORMAT parquet, COMPRESSION {LakeFileCodec}, DICTIONARY_SIZE_LIMIT {LakeFileDictionaryLimit})",
            cancellationToken).ConfigureAwait(false);
        if (rows == 0) File.Delete(temp);
        else File.Move(temp, target, overwrite: false);
        return rows;
    }

    /// <summary>Removes files already moved into the lake that no commit will name, rather than leave them to the garbage collector's grace period.</summary>
    private static void Discard(LocalObjectStore lake, IEnumerable<DataFile> files)
    {
        foreach (var file in files)
        {
            try
            {
                File.Delete(lake.PathOf(file.Key));
            }
            catch (IOException)
            {
                // The garbage collector removes it later.
            }
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the garbage collector of the next run (it removes old temp folders).
        }
    }

    /// <summary>
    /// Splits the affected partitions (ascending) into runs of neighbours whose rows together stay within
    /// <paramref name="runRows"/>; a partition larger than that is a run of its own.
    /// </summary>
    internal static IEnumerable<IReadOnlyList<int>> RewriteRuns(IReadOnlyList<int> partitions, IReadOnlyDictionary<int, long> rowsOf, long runRows)
    {
        var run = new List<int>();
        var rows = 0L;
        foreach (var year in partitions)
        {
            if (run.Count > 0 && rows + rowsOf[year] > runRows)
            {
                yield return run;
                run = [];
                rows = 0;
            }
            run.Add(year);
            rows += rowsOf[year];
        }
        if (run.Count > 0) yield return run;
    }

    internal sealed record StagedInput(string Path, StagedFile Result);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {Seq}: staged {Files} raw files ({Bytes} bytes, {Rows} rows) in {Seconds:F2} s")]
    private partial void LogStaged(long seq, int files, long bytes, long rows, double seconds);

    /// <summary>The SQL side of one batch, step by step.</summary>
    private sealed partial class BatchRun(
        DuckDbSession db,
        BatchWork work,
        StagingRun staging,
        LocalObjectStore lake,
        LakeStores stores,
        IFaultInjector faults,
        IRunProgress progress,
        DuckDbOptions settings,
        ILogger logger)
    {
        private readonly List<DataFile> _added = [];
        private readonly Dictionary<BatchFile, long> _sqlRejects = [];
        private readonly List<QuarantineRow> _quarantine = [];

        public async Task<BatchOutput> RunAsync(string workDir, CancellationToken cancellationToken)
        {
            var steps = new Dictionary<string, double>();
            var clock = Stopwatch.StartNew();
            await RegisterBatchFilesAsync(cancellationToken).ConfigureAwait(false);
            foreach (var entity in staging.ValidationOrder(work))
            {
                progress.Phase($"batch {work.Seq}: staging and validating {entity.Name()}, writing silver");
                await ValidateAsync(entity, await staging.OfAsync(entity).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            }
            var staged = staging.All;
            // Includes the staging it waited for: validation overlaps it.
            steps["transform.validate"] = clock.Elapsed.TotalSeconds;

            clock.Restart();
            progress.Phase($"batch {work.Seq}: rewriting affected gold partitions");
            var (goldRows, partitions, superseded) = await RewriteGoldAsync(workDir, cancellationToken).ConfigureAwait(false);
            steps["transform.gold"] = clock.Elapsed.TotalSeconds;

            clock.Restart();
            await WriteQuarantineAsync(staged, cancellationToken).ConfigureAwait(false);
            steps["transform.quarantine"] = clock.Elapsed.TotalSeconds;
            return new BatchOutput(FileResults(staged), _added, superseded, goldRows, partitions) { StepSeconds = steps };
        }

        public void DiscardWritten() => Discard(lake, _added);

        private async Task RegisterBatchFilesAsync(CancellationToken cancellationToken)
        {
            await db.ExecuteAsync("CREATE TEMP TABLE batch_files (_file_ord INTEGER, _source_key VARCHAR, _batch BIGINT)", cancellationToken).ConfigureAwait(false);
            using var appender = db.Connection.CreateAppender("batch_files");
            foreach (var file in work.Files)
            {
                appender.CreateRow().AppendValue(file.Ordinal).AppendValue(file.Key).AppendValue(work.Seq).EndRow();
            }
        }

        private async Task ValidateAsync(Entity entity, IReadOnlyList<KeyValuePair<BatchFile, StagedInput>> staged, CancellationToken cancellationToken)
        {
            var name = entity.Name();
            var inputs = staged.Where(s => s.Value.Result.FileError is null).ToList();
            var columns = RawFileStager.NormalizedColumns(entity);
            var types = string.Join(", ", columns.Select(c => $"{DuckDbSession.Literal(c)}: {DuckDbSession.Literal(ColumnType(c))}"));
            if (inputs.Count == 0)
            {
                await db.ExecuteAsync($"CREATE TEMP TABLE raw_{name} ({string.Join(", ", columns.Select(c => $"{c} {ColumnType(c)}"))})", cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Every normalized file is valid RFC 4180 with exactly these columns, so nothing is sniffed.
                var maxLine = Math.Max(2_000_000, inputs.Max(i => i.Value.Result.MaxRecordBytes) + 1024);
                await db.ExecuteAsync($$"""
                    CREATE TEMP VIEW raw_{{name}} AS SELECT * FROM read_csv({{DuckDbSession.List(inputs.Select(i => i.Value.Path))}},
                        header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', new_line = '\n',
                        strict_mode = true, max_line_size = {{maxLine}}, buffer_size = {{Math.Max(maxLine * 4L, 32L << 20)}},
                        columns = { {{types}} })
                    """, cancellationToken).ConfigureAwait(false);
            }
            // The checked rows are a view, streamed once from the staged CSV into the silver file: a materialized copy of
            // a large batch would spill past the memory limit and be read back. Rejected rows are rare, and their count is
            // known without a second look: every staged row is either written to silver or rejected by the SQL. Only
            // when some are missing is the view read again, for the rejects alone.
            await db.ExecuteAsync($"CREATE TEMP VIEW checked_{name} AS {SqlScripts.Transform("validate_" + name)}", cancellationToken).ConfigureAwait(false);
            var valid = $"(SELECT * EXCLUDE (_reject_reason) FROM checked_{name} WHERE _reject_reason IS NULL)";
            var key = LakeLayout.Silver(entity, work.Seq);
            var rows = await CopyToLakeAsync(valid, key, cancellationToken).ConfigureAwait(false);
            var silver = CommittedPaths(Tables.Silver(entity)).ToList();
            if (rows > 0)
            {
                _added.Add(new DataFile(key, Tables.Silver(entity), rows, new FileInfo(lake.PathOf(key)).Length));
                // From here on the batch's rows are read from the silver file just written: Parquet is read column by
                // column and compressed, and the staged CSV is not parsed again.
                silver.Add(lake.PathOf(key));
                await db.ExecuteAsync($"CREATE TEMP VIEW batch_{name} AS SELECT * FROM read_parquet({DuckDbSession.List([lake.PathOf(key)])})", cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Nothing valid, so no silver file was published: the batch's rows are the (empty) valid rows.
                await db.ExecuteAsync($"CREATE TEMP VIEW batch_{name} AS SELECT * FROM {valid} v WHERE false", cancellationToken).ConfigureAwait(false);
            }
            var expected = inputs.Sum(i => i.Value.Result.RowsStaged);
            if (rows > expected)
            {
                throw new InvalidDataException($"Batch {work.Seq}: the {name} silver file holds {rows} rows, but only {expected} were staged; nothing was published");
            }
            if (rows < expected) await CollectSqlRejectsAsync(entity, expected - rows, cancellationToken).ConfigureAwait(false);
            if (rows > 0) await faults.AtAsync(FaultPoint.AfterSilverWrite, cancellationToken).ConfigureAwait(false);
            await db.ExecuteAsync(silver.Count == 0
                ? $"CREATE TEMP VIEW silver_{name} AS SELECT * FROM batch_{name}"
                : $"CREATE TEMP VIEW silver_{name} AS {LakeTableSql.Select(LakeTable.Named(Tables.Silver(entity)), silver)}", cancellationToken).ConfigureAwait(false);
        }

        private async Task CollectSqlRejectsAsync(Entity entity, long missing, CancellationToken cancellationToken)
        {
            var rejects = await db.QueryAsync($"SELECT _file_ord, _row, _reject_reason FROM checked_{entity.Name()} WHERE _reject_reason IS NOT NULL ORDER BY _file_ord, _row", cancellationToken).ConfigureAwait(false);
            if (rejects.Rows.Count != missing)
            {
                throw new InvalidDataException($"Batch {work.Seq}: {missing} staged {entity.Name()} rows are not in silver, but the SQL rejected {rejects.Rows.Count}; nothing was published");
            }
            foreach (var group in rejects.Rows.GroupBy(r => Convert.ToInt32(r[0], CultureInfo.InvariantCulture)))
            {
                var file = work.Files.Single(f => f.Ordinal == group.Key);
                var reasons = group.ToDictionary(r => Convert.ToInt64(r[1], CultureInfo.InvariantCulture), r => (string)r[2]!);
                // The raw text of rejected rows is read again from the raw file: rejects are rare, and
                // carrying every row's raw text through SQL would double the staging cost of clean files.
                IReadOnlyDictionary<long, (long Line, string Text)> records;
                await using (var raw = await stores.Raw.OpenReadAsync(file.Key, cancellationToken).ConfigureAwait(false))
                {
                    records = RawFileStager.ReadRecords(raw, RawKeys.IsGzip(file.Key), entity, reasons.Keys.ToHashSet(), cancellationToken);
                }
                foreach (var (row, reason) in reasons)
                {
                    var (line, text) = records[row];
                    _quarantine.Add(new QuarantineRow(entity, file.Key, line, reason, text));
                }
                _sqlRejects[file] = reasons.Count;
            }
        }

        private async Task<(long Rows, IReadOnlyList<int> Partitions, IReadOnlyList<string> Superseded)> RewriteGoldAsync(string workDir, CancellationToken cancellationToken)
        {
            var committed = work.Committed.FilesOf(Tables.Gold).ToList();
            var staging = Path.Combine(workDir, "gold");
            var everyTrack = committed.Count == 0;
            if (!everyTrack)
            {
                // gold_current is every committed gold row here: the affected tracks and their old partitions are found over all of it.
                await DefineGoldCurrentAsync(committed, cancellationToken).ConfigureAwait(false);
                await db.ExecuteAsync($"CREATE TEMP TABLE affected_tracks AS {SqlScripts.Transform("gold_affected_tracks")}", cancellationToken).ConfigureAwait(false);
                everyTrack = await EveryGoldTrackAffectedAsync(cancellationToken).ConfigureAwait(false);
            }
            if (everyTrack)
            {
                // No gold yet, or a batch that touches every committed gold track (a re-sent snapshot): gold_rewrite then
                // keeps no committed row, so gold_delta is the whole new gold table. It joins the current row of every
                // key, found without narrowing silver to a list of affected keys first: at scale 10 a re-sent snapshot
                // ran out of memory at 400MB through that list (the narrowed latest-wins join beside the sort), and a
                // track that none of the batch's rows touch joins as it did at the last commit, which left it out of
                // gold.
                foreach (var entity in Entities.All)
                {
                    await DefineCurrentAsync(entity, SqlScripts.Transform("compact_" + entity.Name()), cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                await DefineCurrentAsync(Entity.Albums, SqlScripts.Transform("delta_albums"), cancellationToken).ConfigureAwait(false);
                await DefineCurrentAsync(Entity.Tracks, SqlScripts.Transform("delta_tracks"), cancellationToken).ConfigureAwait(false);
                await DefineCurrentAsync(Entity.Artists, SqlScripts.Transform("compact_" + Entity.Artists.Name()), cancellationToken).ConfigureAwait(false);
            }
            var albumTracksSql = SqlScripts.Transform("gold_album_tracks");
            var goldDeltaSql = SqlScripts.Transform("gold_delta");
            if (everyTrack)
            {
                // The delta is written as a first load writes it, and it replaces every committed gold file.
                var (rows, folder) = await CopyWholeGoldAsync(albumTracksSql, goldDeltaSql, staging, cancellationToken).ConfigureAwait(false);
                var written = await PublishGoldAsync(folder, rows, cancellationToken).ConfigureAwait(false);
                var years = written.Select(f => f.ReleaseYear!.Value).Concat(committed.Select(f => f.ReleaseYear!.Value));
                return (rows, [.. years.Distinct().Order()], [.. committed.Select(f => f.Key)]);
            }

            await DefineGoldDeltaAsync(albumTracksSql, goldDeltaSql, cancellationToken).ConfigureAwait(false);
            await db.ExecuteAsync($"CREATE TEMP TABLE affected_partitions AS {SqlScripts.Transform("gold_affected_partitions")}", cancellationToken).ConfigureAwait(false);
            var partitions = (await db.QueryAsync("SELECT release_year FROM affected_partitions ORDER BY 1", cancellationToken).ConfigureAwait(false))
                .Rows.Select(r => Convert.ToInt32(r[0], CultureInfo.InvariantCulture)).ToList();
            if (partitions.Count == 0) return (0, [], []);

            // The affected partitions are written in runs (DuckDbOptions.RewriteRunRows), each by its own partitioned COPY
            // over gold_current narrowed to that run's files (a filter alone would not spare DuckDB opening the others).
            // Counting first would read each partition twice; the COPYs' own row counts are what the staged files are
            // checked against.
            var superseded = committed.Where(f => f.ReleaseYear is { } y && partitions.Contains(y)).ToList();
            var deltaRows = (await db.QueryAsync("SELECT release_year, count(*) FROM gold_delta GROUP BY release_year", cancellationToken).ConfigureAwait(false))
                .Rows.ToDictionary(r => Convert.ToInt32(r[0], CultureInfo.InvariantCulture), r => Convert.ToInt64(r[1], CultureInfo.InvariantCulture));
            var rowsOf = partitions.ToDictionary(y => y, y => superseded.Where(f => f.ReleaseYear == y).Sum(f => f.Rows) + deltaRows.GetValueOrDefault(y));
            await db.ExecuteAsync($"CREATE TEMP VIEW gold_rewrite AS {SqlScripts.Transform("gold_rewrite")}", cancellationToken).ConfigureAwait(false);
            Directory.CreateDirectory(staging);
            var expected = 0L;
            foreach (var (run, index) in RewriteRuns(partitions, rowsOf, settings.RewriteRunRows).Select((r, i) => (r, i)))
            {
                await DefineGoldCurrentAsync([.. superseded.Where(f => run.Contains(f.ReleaseYear!.Value))], cancellationToken).ConfigureAwait(false);
                var years = string.Join(", ", run.Select(y => y.ToString(CultureInfo.InvariantCulture)));
                expected += await CopyPartitionedAsync($"SELECT * FROM gold_rewrite WHERE release_year IN ({years})", Path.Combine(staging, $"run-{index}"), settings.GoldRowGroupRows, cancellationToken).ConfigureAwait(false);
            }
            await PublishGoldAsync(staging, expected, cancellationToken).ConfigureAwait(false);
            return (deltaRows.Values.Sum(), partitions, [.. superseded.Select(f => f.Key)]);
        }

        /// <summary>
        /// Whether every committed gold row's track is among affected_tracks, so that rewriting partitions would keep no
        /// committed row. Either answer gives the same rows (the whole-gold write rebuilds gold from all of silver); it
        /// decides which write costs less. Gold holds a row per track, so fewer affected tracks than committed gold rows
        /// (a nightly drop) answers no without reading gold.
        /// </summary>
        private async Task<bool> EveryGoldTrackAffectedAsync(CancellationToken cancellationToken)
        {
            var affected = await db.ScalarAsync<long>("SELECT count(*) FROM affected_tracks", cancellationToken).ConfigureAwait(false);
            if (affected < work.Committed.RowsOf(Tables.Gold)) return false;
            return !await db.ScalarAsync<bool>(
                "SELECT EXISTS (SELECT 1 FROM gold_current g WHERE NOT EXISTS (SELECT 1 FROM affected_tracks k WHERE k.track_id = g.track_id))",
                cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Materializes gold_album_tracks (the albums joined with their tracks) and gold_delta for a batch with gold
        /// committed: it joins a few affected rows, in DuckDB's own order, and the rewrite reads gold_delta once per run
        /// of partitions.
        /// </summary>
        private async Task DefineGoldDeltaAsync(string albumTracksSql, string goldDeltaSql, CancellationToken cancellationToken)
        {
            await db.ExecuteAsync($"CREATE TEMP TABLE gold_album_tracks AS {albumTracksSql}", cancellationToken).ConfigureAwait(false);
            await db.ExecuteAsync($"CREATE TEMP TABLE gold_delta AS {goldDeltaSql}", cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Writes the whole of gold (every key's current row, joined) into a staging folder: a first load's, or that of a
        /// batch that affects every committed track.
        /// The tracks' join is the one whose hash table is large (a row per track), and the artists' join (a tenth of
        /// that) is left to the COPY, so the five artist columns are never spilled: at scale 10 the gold step took
        /// about 0.95x the time, with the same rows.
        /// The albums and tracks join in the order gold_album_tracks.sql writes them, so that the wide album rows are the
        /// side that streams through it (in silver order, which keeps an album's tracks together) and the narrow tracks
        /// the side its hash table holds. DuckDB's own order built the table on the album rows, which spilled and
        /// scattered an album's tracks over the output: gold files came out about 7% larger.
        /// The joined rows are sorted by release year, artist and album. The partitioned COPY then meets the years one
        /// after another: fed rows of every year at once, it keeps a buffer and an open row group per year (74 at scale
        /// 10) within the memory limit, and flushes them small and often. Within a year an album's rows and an artist's
        /// albums lie together, so their repeated columns compress: the join's own order had scattered them at scale 10.
        /// Scratch, the same silver at scale 10: the sort added about 2 s to the table's creation and took about 5 s off
        /// the COPY (gold step 9.7-10.5 s against 13.3-15.4 s), and gold came out 0.70x the size (154 MB against 220 MB);
        /// at scale 1 the step took 0.2 s less, at 0.99x the size. The sort is the embedded engine's own: Spark sorts a
        /// partitioned write by its partition column itself.
        /// A load within <see cref="DuckDbOptions.FirstLoadInlineSortRows"/> sorts inside the COPY; a larger one sorts
        /// into a temporary table first, and so does one whose COPY ran out of memory. Returns the rows written and the
        /// folder they were written to.
        /// </summary>
        private async Task<(long Rows, string Folder)> CopyWholeGoldAsync(string albumTracksSql, string goldDeltaSql, string staging, CancellationToken cancellationToken)
        {
            var albumTracks = $"SELECT * FROM (\n{albumTracksSql}\n) ORDER BY year(release_date), artist_id, album_id";
            // Every album row current_albums reads: the batch's silver and the committed silver (a re-sent snapshot's
            // earlier versions, or what a reprocess left without gold).
            var albumRows = work.Committed.RowsOf(Tables.Silver(Entity.Albums)) + _added.Where(f => f.Table == Tables.Silver(Entity.Albums)).Sum(f => f.Rows);
            var rowGroupRows = settings.FirstLoadRowGroupRows(albumRows);
            if (albumRows <= settings.FirstLoadInlineSortRowLimit)
            {
                await db.ExecuteAsync($"SET disabled_optimizers = 'join_order'; CREATE TEMP VIEW gold_album_tracks AS {albumTracks}; CREATE TEMP VIEW gold_delta AS {goldDeltaSql}", cancellationToken).ConfigureAwait(false);
                try
                {
                    var rows = await CopyPartitionedAsync("SELECT * FROM gold_delta", staging, rowGroupRows, cancellationToken).ConfigureAwait(false);
                    await db.ExecuteAsync("RESET disabled_optimizers", cancellationToken).ConfigureAwait(false);
                    return (rows, staging);
                }
                catch (DuckDBException e) when (e.ErrorType == DuckDBErrorType.OutOfMemory)
                {
                    // Whatever it wrote stays in its folder, which is removed with the batch's work folder.
                    LogInlineSortOutOfMemory(work.Seq, albumRows, settings.MemoryLimit);
                    await db.ExecuteAsync("DROP VIEW gold_delta; DROP VIEW gold_album_tracks", cancellationToken).ConfigureAwait(false);
                    staging += "-table";
                }
            }
            // The sort holds memory outside the buffer pool too. Built within the full limit, the table took the worker's
            // peak at scale 10 to 621-801 MiB over seven runs (two above 780); within 85% of it, 593-609 MiB over three,
            // for about 0.3 s more (75%: 586-623 MiB, about 0.6 s more). The session is the batch's own: a failed CREATE
            // ends it, so the settings need no reset on that path.
            var sortLimit = settings.MemoryLimitBytes * SortMemoryShare / 100;
            await db.ExecuteAsync($"SET disabled_optimizers = 'join_order'; SET memory_limit = '{sortLimit.ToString(CultureInfo.InvariantCulture)}B'", cancellationToken).ConfigureAwait(false);
            await db.ExecuteAsync($"CREATE TEMP TABLE gold_album_tracks AS {albumTracks}", cancellationToken).ConfigureAwait(false);
            await db.ExecuteAsync($"RESET disabled_optimizers; SET memory_limit = {DuckDbSession.Literal(settings.MemoryLimit)}", cancellationToken).ConfigureAwait(false);
            await db.ExecuteAsync($"CREATE TEMP VIEW gold_delta AS {goldDeltaSql}", cancellationToken).ConfigureAwait(false);
            return (await CopyPartitionedAsync("SELECT * FROM gold_delta", staging, rowGroupRows, cancellationToken).ConfigureAwait(false), staging);
        }

        /// <summary>Percent of the memory limit the first load's sorted table is built within.</summary>
        private const int SortMemoryShare = 85;

        /// <summary>Registers current_&lt;entity&gt;, the current rows that gold_delta joins (Sql/README.md, "Order of a batch").</summary>
        private Task DefineCurrentAsync(Entity entity, string sql, CancellationToken cancellationToken) =>
            db.ExecuteAsync($"CREATE TEMP VIEW current_{entity.Name()} AS {sql}", cancellationToken);

        private Task DefineGoldCurrentAsync(IReadOnlyList<DataFile> files, CancellationToken cancellationToken) =>
            db.ExecuteAsync($"CREATE OR REPLACE TEMP VIEW gold_current AS {LakeTableSql.Select(LakeTable.Gold, [.. files.Select(f => lake.PathOf(f.Key))])}", cancellationToken);

        /// <summary>
        /// Writes a query's rows partitioned by release_year into a staging folder, in row groups of at most
        /// <paramref name="rowGroupRows"/> rows; returns the rows the COPY wrote.
        /// </summary>
        private Task<long> CopyPartitionedAsync(string query, string folder, int rowGroupRows, CancellationToken cancellationToken) =>
            db.ExecuteCountAsync(
                $"COPY ({query}) TO {DuckDbSession.Literal(folder)} " +
                $"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {rowGroupRows.ToString(CultureInfo.InvariantCulture)}, " +
                "PARTITION_BY (release_year), FILENAME_PATTERN 'part-{uuid}')", cancellationToken);

        /// <summary>
        /// Checks that the files staged under release_year=&lt;year&gt; folders hold every row the COPYs reported, then moves
        /// each file to a new unique gold key. Returns the files added.
        /// </summary>
        private async Task<IReadOnlyList<DataFile>> PublishGoldAsync(string staging, long expected, CancellationToken cancellationToken)
        {
            var files = Directory.Exists(staging) ? Directory.GetFiles(staging, "*.parquet", SearchOption.AllDirectories) : [];
            var counts = files.Length == 0 ? [] : (await db.QueryAsync($"SELECT file_name, num_rows FROM parquet_file_metadata({DuckDbSession.List(files)})", cancellationToken).ConfigureAwait(false))
                .Rows.ToDictionary(r => (string)r[0]!, r => Convert.ToInt64(r[1], CultureInfo.InvariantCulture));
            var written = counts.Values.Sum();
            if (written != expected)
            {
                throw new InvalidDataException($"Gold staging of batch {work.Seq} holds {written} rows in {files.Length} files, expected {expected}; nothing was published");
            }
            var added = new List<DataFile>();
            foreach (var file in files)
            {
                var year = int.Parse(PartitionPattern().Match(file).Groups[1].Value, CultureInfo.InvariantCulture);
                var key = LakeLayout.Gold(year, Path.GetFileName(file));
                var target = lake.PathOf(key);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(file, target, overwrite: false);
                var data = new DataFile(key, Tables.Gold, counts[file], new FileInfo(target).Length, year);
                added.Add(data);
                _added.Add(data); // at once: a batch that fails later discards what it already moved
                await faults.AtAsync(FaultPoint.AfterGoldMove, cancellationToken).ConfigureAwait(false);
            }
            return added;
        }

        private async Task WriteQuarantineAsync(IReadOnlyDictionary<BatchFile, StagedInput> staged, CancellationToken cancellationToken)
        {
            foreach (var (file, input) in staged)
            {
                var result = input.Result;
                if (result.FileError is not null)
                {
                    _quarantine.Add(new QuarantineRow(file.Entity, file.Key, null, result.FileError.Reason, null));
                }
                _quarantine.AddRange(result.Rejects.Select(r => new QuarantineRow(file.Entity, file.Key, r.Line, r.Reason, r.RawLine)));
            }
            await db.ExecuteAsync("CREATE TEMP TABLE quarantine_rows (entity VARCHAR, source_key VARCHAR, line BIGINT, reason VARCHAR, raw_line VARCHAR, batch BIGINT)", cancellationToken).ConfigureAwait(false);
            using (var appender = db.Connection.CreateAppender("quarantine_rows"))
            {
                foreach (var row in _quarantine)
                {
                    appender.CreateRow().AppendValue(row.Entity.Name()).AppendValue(row.SourceKey).AppendValue(row.Line).AppendValue(row.Reason).AppendValue(row.RawLine).AppendValue(work.Seq).EndRow();
                }
            }
            foreach (var group in _quarantine.GroupBy(q => q.Entity))
            {
                var key = LakeLayout.Quarantine(group.Key, work.Seq);
                await CopyToLakeAsync($"(SELECT * FROM quarantine_rows WHERE entity = {DuckDbSession.Literal(group.Key.Name())} ORDER BY source_key, line)", key, cancellationToken).ConfigureAwait(false);
                _added.Add(new DataFile(key, Tables.Quarantine, group.Count(), new FileInfo(lake.PathOf(key)).Length));
                await faults.AtAsync(FaultPoint.AfterQuarantineWrite, cancellationToken).ConfigureAwait(false);
            }
        }

        private IReadOnlyList<FileResult> FileResults(IReadOnlyDictionary<BatchFile, StagedInput> staged) => [.. work.Files.Select(file =>
        {
            var result = staged[file].Result;
            if (result.FileError is not null) return new FileResult(file, 0, 0, FileOutcome.Quarantined, result.FileError.Reason);
            var rejected = result.Rejects.Count + _sqlRejects.GetValueOrDefault(file);
            return new FileResult(file, result.RowsRead, rejected, FileOutcome.Processed, null);
        })];

        private Task<long> CopyToLakeAsync(string relation, string key, CancellationToken cancellationToken) =>
            WriteLakeFileAsync(db, lake, relation, key, cancellationToken);

        private IReadOnlyList<string> CommittedPaths(string table) => [.. work.Committed.FilesOf(table).Select(f => lake.PathOf(f.Key))];

        private static string ColumnType(string column) => column switch
        {
            "_file_ord" => "INTEGER",
            "_line" or "_row" => "BIGINT",
            _ => "VARCHAR",
        };

        [GeneratedRegex(@"release_year=(-?[0-9]+)")]
        private static partial Regex PartitionPattern();

        [LoggerMessage(Level = LogLevel.Warning, Message = "Batch {Seq}: the gold COPY sorting {AlbumRows} album rows ran out of memory within {MemoryLimit}; sorting them into a temporary table first")]
        private partial void LogInlineSortOutOfMemory(long seq, long albumRows, string memoryLimit);
    }

    private sealed record QuarantineRow(Entity Entity, string SourceKey, long? Line, string Reason, string? RawLine);
}
