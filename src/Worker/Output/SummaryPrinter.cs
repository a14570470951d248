using System.Globalization;
using SpotifyWorker.Pipeline.Orchestration;

namespace SpotifyWorker.Worker.Output;

/// <summary>The human summary of a run printed by run-once and demo.</summary>
public static class SummaryPrinter
{
    public static void Print(RunSummary summary, TextWriter output)
    {
        var rows = new List<object?[]>
        {
            Row("run", summary.RunId),
            Row("outcome", summary.Outcome.ToString()),
            Row("batches committed", summary.Batches.Count),
            Row("files processed", summary.FilesProcessed),
            Row("files quarantined", summary.FilesQuarantined),
            Row("rows read", summary.RowsRead),
            Row("rows rejected", summary.RowsRejected),
            Row("gold rows written", summary.GoldRowsWritten),
            Row("partitions rewritten", summary.PartitionsRewritten),
            Row("gold rows in total", summary.GoldRows),
            Row("last commit", summary.CommittedSeq),
            Row("duration", $"{summary.DurationSeconds:F2} s ({string.Join(", ", summary.StepSeconds.Where(s => !IsCount(s.Key)).Select(s => $"{s.Key} {s.Value.ToString("F2", CultureInfo.InvariantCulture)} s"))})"),
        };
        // Step entries ending in _bytes are amounts, not seconds (the data Athena scanned for the views).
        foreach (var (step, amount) in summary.StepSeconds.Where(s => IsCount(s.Key))) rows.Add(Row(step, amount.ToString("F0", CultureInfo.InvariantCulture)));
        if (summary.Error is not null) rows.Add(Row("error", summary.Error));
        ResultWriter.Write(["", "value"], rows, "table", output);
    }

    private static bool IsCount(string step) => step.EndsWith("_bytes", StringComparison.Ordinal);

    private static object?[] Row(string name, object value) => [name, value];
}
