using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Aws.Glue;

/// <summary>
/// Between the job's result document and <see cref="BatchOutput"/> or <see cref="CompactionOutput"/>. The job is
/// another program, so what it says is checked before the orchestrator commits it: every raw file of the batch
/// answered once, files only under the data prefixes, and exactly the committed gold files of the rewritten
/// partitions superseded; a compaction's one base per entity under its compact=&lt;seq&gt; folder, superseding
/// exactly the silver files it was given.
/// </summary>
public static class GlueJobResults
{
    private static readonly HashSet<string> KnownTables =
        [Tables.Gold, Tables.Quarantine, .. Entities.All.Select(Tables.Silver)];

    public static BatchOutput ToBatchOutput(GlueJobResult result, BatchWork work, string location)
    {
        void Check(bool condition, string problem)
        {
            if (!condition) throw new InvalidDataException($"Glue job result {location} is not usable: {problem}; nothing of batch {work.Seq} is committed");
        }

        Check(result.BatchSeq == work.Seq, $"it is for batch {result.BatchSeq}");
        var byKey = result.Files.GroupBy(f => f.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var files = new List<FileResult>();
        foreach (var file in work.Files)
        {
            Check(byKey.TryGetValue(file.Key, out var answers) && answers.Count == 1, $"raw file {file.Key} has {(answers?.Count ?? 0)} results, expected 1");
            var answer = answers![0];
            files.Add(new FileResult(file, answer.RowsRead, answer.RowsRejected, answer.Outcome, answer.Reason));
        }
        Check(byKey.Count == work.Files.Count, $"it names {byKey.Count - work.Files.Count} raw file(s) not in the batch");

        foreach (var added in result.Added)
        {
            Check(KnownTables.Contains(added.Table), $"{added.Key} belongs to unknown table {added.Table}");
            Check(LakeLayout.DataPrefixes.Any(p => added.Key.StartsWith(p, StringComparison.Ordinal)), $"{added.Key} is outside the data prefixes");
            Check(!work.Committed.LiveFiles.ContainsKey(added.Key), $"{added.Key} is already a committed file");
            Check(added.Table != Tables.Gold || added.ReleaseYear is not null, $"gold file {added.Key} has no release_year");
        }

        var partitions = result.PartitionsRewritten.ToHashSet();
        var expected = work.Committed.FilesOf(Tables.Gold).Where(f => f.ReleaseYear is { } y && partitions.Contains(y)).Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        Check(expected.SetEquals(result.Superseded), $"it supersedes [{string.Join(", ", result.Superseded)}] but the rewritten partitions hold [{string.Join(", ", expected)}]");

        return new BatchOutput(files, result.Added, result.Superseded, result.GoldRowsWritten, result.PartitionsRewritten)
        {
            StepSeconds = (result.StepSeconds ?? new Dictionary<string, double>()).ToDictionary(s => "glue." + s.Key, s => s.Value),
        };
    }

    public static CompactionOutput ToCompactionOutput(GlueJobResult result, CompactionWork work, string location)
    {
        void Check(bool condition, string problem)
        {
            if (!condition) throw new InvalidDataException($"Glue job result {location} is not usable: {problem}; nothing of compaction {work.Seq} is committed");
        }

        Check(result.BatchSeq == work.Seq, $"it is for seq {result.BatchSeq}");
        Check(result.Files.Count == 0 && result.GoldRowsWritten == 0 && result.PartitionsRewritten.Count == 0, "it reports raw files or gold, as a batch would");
        var inputs = GlueJobArguments.CompactionInputs(work.Committed);
        // Superseding a file it did not read would drop its rows; keeping one it read would count them twice.
        Check(result.Superseded.Count == inputs.Count && inputs.Select(f => f.Key).ToHashSet(StringComparer.Ordinal).SetEquals(result.Superseded),
            $"it supersedes [{string.Join(", ", result.Superseded)}] but was given [{string.Join(", ", inputs.Select(f => f.Key))}]");

        var added = new List<DataFile>();
        foreach (var entity in Entities.All)
        {
            var table = Tables.Silver(entity);
            var read = inputs.Where(f => f.Table == table).ToList();
            var bases = result.Added.Where(f => f.Table == table).ToList();
            Check(bases.Count == (read.Count > 0 ? 1 : 0), $"it wrote {bases.Count} base(s) of {table} from {read.Count} file(s)");
            if (bases.Count == 0) continue;
            var folder = $"{LakeLayout.SilverPrefix}{entity.Name()}/compact={work.Seq}/";
            Check(bases[0].Key.StartsWith(folder, StringComparison.Ordinal), $"{bases[0].Key} is not under {folder}");
            Check(!work.Committed.LiveFiles.ContainsKey(bases[0].Key), $"{bases[0].Key} is already a committed file");
            Check(bases[0].Rows > 0 && bases[0].Rows <= read.Sum(f => f.Rows), $"{bases[0].Key} holds {bases[0].Rows} rows from {read.Sum(f => f.Rows)} read");
            added.Add(bases[0] with { ToBatch = CompactionPolicy.ToBatchOf(read) });
        }
        Check(added.Count == result.Added.Count, $"it wrote files of other tables: [{string.Join(", ", result.Added.Where(f => !added.Any(a => a.Key == f.Key)).Select(f => f.Key))}]");

        return new CompactionOutput(added, result.Superseded)
        {
            StepSeconds = (result.StepSeconds ?? new Dictionary<string, double>()).ToDictionary(s => "glue." + s.Key, s => s.Value),
        };
    }

    /// <summary>The document a job writes for a batch output (the test's stand-in for the Glue job uses it).</summary>
    public static GlueJobResult FromBatchOutput(long seq, BatchOutput output) => new(
        seq,
        [.. output.Files.Select(f => new GlueFileResult(f.File.Key, f.RowsRead, f.RowsRejected, f.Outcome, f.Reason))],
        output.Added,
        output.Superseded,
        output.GoldRowsWritten,
        output.PartitionsRewritten,
        output.StepSeconds);

    /// <summary>The document a job writes for a compaction output (the test's stand-in for the Glue job uses it).</summary>
    public static GlueJobResult FromCompactionOutput(long seq, CompactionOutput output) =>
        new(seq, [], output.Added, output.Superseded, 0, [], output.StepSeconds);
}
