using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Aws.Glue;

/// <summary>
/// The job arguments of one batch or compaction, the contract with deploy/glue/spotify_etl.py. Keys relative to the lake
/// (committed state, output, raw key manifest) are lake keys, without the lake prefix.
/// </summary>
public static class GlueJobArguments
{
    /// <summary>Absent for a batch; <see cref="CompactMode"/> for a compaction (which has no raw arguments).</summary>
    public const string Mode = "--mode";
    public const string CompactMode = "compact";
    /// <summary>The seq the run's output is committed as: a batch's or a compaction's.</summary>
    public const string BatchSeq = "--batch_seq";
    public const string BatchFingerprint = "--batch_fingerprint";
    public const string RawBucket = "--raw_bucket";
    public const string RawPrefix = "--raw_prefix";
    public const string RawKeys = "--raw_keys";
    public const string RawKeysManifest = "--raw_keys_manifest";
    public const string LakeBucket = "--lake_bucket";
    public const string LakePrefix = "--lake_prefix";
    public const string CommittedState = "--committed_state";
    public const string OutputKey = "--output_key";
    public const string SqlPrefix = "--sql_prefix";
    public const string ServerSideEncryption = "--server_side_encryption";
    public const string KmsKeyId = "--kms_key_id";
    public const string Bookmark = "--job-bookmark-option";
    /// <summary>Bookmarks track only DynamicFrame sources; the job reads with boto3 and spark.read, and the manifest chooses the files.</summary>
    public const string BookmarkDisabled = "job-bookmark-disable";

    /// <summary>The job's list of the final keys it is about to copy, next to its --output_key (spotify_etl.publish).</summary>
    public const string PublishingDocument = "publishing.json";

    /// <summary>Longest --raw_keys value passed inline; longer lists go through a manifest object in the lake.</summary>
    public const int InlineKeysLimit = 8_000;

    /// <summary>Where one attempt's documents live: <c>_pipeline/jobs/&lt;seq&gt;-&lt;attempt&gt;/</c>.</summary>
    public static string JobPrefix(long seq, string attempt) =>
        $"{JobsPrefix}{seq.ToString("D20", CultureInfo.InvariantCulture)}-{attempt}/";

    public const string JobsPrefix = "_pipeline/jobs/";

    /// <summary>
    /// Identifies a batch's content: its seq and every raw file version. A run with the same fingerprint computes
    /// exactly this batch, so a restarted worker may adopt it; a run for the same seq with other files may not.
    /// </summary>
    public static string Fingerprint(BatchWork work)
    {
        var text = new StringBuilder().Append(work.Seq).Append('\n').Append(work.Committed.Seq).Append('\n');
        foreach (var file in work.Files.OrderBy(f => f.Ordinal)) text.Append(file.Key).Append('\t').Append(file.ETag).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())), 0, 16);
    }

    /// <summary>
    /// Identifies a compaction's input: its seq and the exact silver files it reads. A mode word leads, so a
    /// compaction never matches a batch run of the same seq.
    /// </summary>
    public static string Fingerprint(CompactionWork work)
    {
        var text = new StringBuilder(CompactMode).Append('\n').Append(work.Seq).Append('\n').Append(work.Committed.Seq).Append('\n');
        foreach (var file in CompactionInputs(work.Committed)) text.Append(file.Key).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())), 0, 16);
    }

    /// <summary>What a compaction reads and supersedes (<see cref="CompactionPolicy.FilesToRewrite"/>), in key order.</summary>
    public static IReadOnlyList<DataFile> CompactionInputs(ManifestState committed) =>
        [.. Entities.All
            .SelectMany(e => CompactionPolicy.FilesToRewrite(committed, e))
            .OrderBy(f => f.Key, StringComparer.Ordinal)];

    public static string InlineKeys(IEnumerable<string> keys) => JsonSerializer.Serialize(keys.ToList());

    public static long? SeqOf(JobRun run) =>
        run.Arguments is not null && run.Arguments.TryGetValue(BatchSeq, out var value) && long.TryParse(value, CultureInfo.InvariantCulture, out var seq) ? seq : null;

    public static string? Get(JobRun run, string key) => run.Arguments?.GetValueOrDefault(key);
}
