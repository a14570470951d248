using System.Text.Json;
using System.Text.Json.Serialization;
using SpotifyWorker.Pipeline.Manifest;

namespace SpotifyWorker.Pipeline.Aws.Glue;

/// <summary>
/// The JSON documents the worker and the Glue job exchange through the lake, in snake_case for the Python side
/// (deploy/glue/spotify_etl.py reads and writes exactly these names).
/// </summary>
public static class GlueJobJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public static MemoryStream Serialize<T>(T value) => new(JsonSerializer.SerializeToUtf8Bytes(value, Options), writable: false);
}

/// <summary><c>--committed_state</c>: the committed silver and gold files the job reads as the state before the batch.</summary>
public sealed record GlueCommittedState(long Seq, IReadOnlyList<DataFile> Files);

/// <summary><c>--raw_keys_manifest</c>: the batch's raw keys in ordinal order, when they are too many for a job argument.</summary>
public sealed record GlueRawKeys(IReadOnlyList<string> RawKeys);

/// <summary><c>publishing.json</c>: the final keys a run is about to copy its files to, written before the first copy.</summary>
public sealed record GluePublishing(IReadOnlyList<string> Keys);

/// <summary>What became of one raw file in the job (the job's half of <see cref="Transform.FileResult"/>).</summary>
public sealed record GlueFileResult(string Key, long RowsRead, long RowsRejected, FileOutcome Outcome, string? Reason);

/// <summary>
/// <c>--output_key</c>: the job's result, the shape of <see cref="Transform.BatchOutput"/>: per raw file results,
/// the data files it wrote (already under their final unique keys), the committed gold files they supersede,
/// the gold rows written and the partitions rewritten.
/// </summary>
public sealed record GlueJobResult(
    long BatchSeq,
    IReadOnlyList<GlueFileResult> Files,
    IReadOnlyList<DataFile> Added,
    IReadOnlyList<string> Superseded,
    long GoldRowsWritten,
    IReadOnlyList<int> PartitionsRewritten,
    IReadOnlyDictionary<string, double>? StepSeconds = null);
