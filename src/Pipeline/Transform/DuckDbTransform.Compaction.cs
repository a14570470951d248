using System.Diagnostics;
using SpotifyWorker.Pipeline.Catalog;
using SpotifyWorker.Pipeline.DuckDb;
using SpotifyWorker.Pipeline.Manifest;
using Microsoft.Extensions.Logging;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.Transform;

/// <summary>Compaction on the embedded engine: Sql/compact_&lt;entity&gt;.sql over each entity's live silver, one base file each.</summary>
public sealed partial class DuckDbTransform
{
    public async Task<CompactionOutput> CompactAsync(CompactionWork work, CancellationToken cancellationToken)
    {
        var workDir = NewWorkDirectory("compact", work.Seq);
        var added = new List<DataFile>();
        try
        {
            var clock = Stopwatch.StartNew();
            var superseded = new List<string>();
            // The same memory limit and spill folder as a batch: a compaction reads the whole live silver.
            using var db = DuckDbSession.Open(options.Value, Path.Combine(workDir, "spill"));
            foreach (var entity in Entities.All)
            {
                var table = Tables.Silver(entity);
                var files = CompactionPolicy.FilesToRewrite(work.Committed, entity);
                if (files.Count == 0) continue;
                progress.Phase($"compaction {work.Seq}: rewriting {table} from {files.Count} files");
                await db.ExecuteAsync(
                    $"CREATE OR REPLACE TEMP VIEW {table} AS {LakeTableSql.Select(LakeTable.Named(table), [.. files.Select(f => _lake.PathOf(f.Key))])}",
                    cancellationToken).ConfigureAwait(false);
                var key = LakeLayout.SilverCompacted(entity, work.Seq);
                var rows = await WriteLakeFileAsync(db, _lake, $"({SqlScripts.Transform("compact_" + entity.Name())})", key, cancellationToken).ConfigureAwait(false);
                added.Add(new DataFile(key, table, rows, new FileInfo(_lake.PathOf(key)).Length, ToBatch: CompactionPolicy.ToBatchOf(files)));
                superseded.AddRange(files.Select(f => f.Key));
                await faults.AtAsync(FaultPoint.AfterCompactionWrite, cancellationToken).ConfigureAwait(false);
            }
            LogCompacted(work.Seq, added.Count, superseded.Count, added.Sum(f => f.Rows), clock.Elapsed.TotalSeconds);
            return new CompactionOutput(added, superseded)
            {
                StepSeconds = new Dictionary<string, double> { ["compaction.rewrite"] = clock.Elapsed.TotalSeconds },
            };
        }
        catch
        {
            Discard(_lake, added);
            throw;
        }
        finally
        {
            TryDelete(workDir);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Compaction {Seq}: wrote {Bases} silver bases ({Rows} current rows) over {Superseded} files in {Seconds:F2} s")]
    private partial void LogCompacted(long seq, int bases, int superseded, long rows, double seconds);
}
