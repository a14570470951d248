using System.Globalization;
using System.IO.Compression;
using System.Text;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Tests.Oracle;

/// <summary>A raw file as one batch read it.</summary>
internal sealed record OracleInput(string Key, Entity Entity, long Batch, byte[] Bytes);

/// <summary>What gold and quarantine must hold, in the text form of <see cref="TestSupport.TestLake.GoldAsync"/> and <see cref="OracleAssert"/>.</summary>
internal sealed record OracleResult(IReadOnlyList<string> Gold, IReadOnlyList<string> Quarantine);

/// <summary>
/// The design's gold table and quarantine computed the slow obvious way from the raw files and the batch order,
/// without the pipeline's SQL, DuckDB or CSV reader: per entity the latest valid row of each key wins (later
/// batch, then later file in key order, then later row), and gold is the inner join of the latest albums,
/// tracks and artists. Everything the pipeline computes about gold is checked against this.
/// </summary>
internal static class GoldOracle
{
    /// <summary>Gold columns in the order of the gold file, release_year (the partition folder) last.</summary>
    public static readonly IReadOnlyList<string> GoldColumns =
    [
        "track_id", "track_name", "track_number", "duration_ms", "track_popularity", "explicit", "album_id", "album_name", "album_type",
        "label", "total_tracks", "album_popularity", "release_date", "release_date_precision", "artist_id", "artist_name",
        "artist_popularity", "followers", "genres", "release_year",
    ];

    public static OracleResult Compute(IEnumerable<OracleInput> inputs)
    {
        var latest = Entities.All.ToDictionary(e => e, _ => new Dictionary<string, OracleRow>(StringComparer.Ordinal));
        var quarantine = new List<string>();
        foreach (var input in inputs.OrderBy(i => i.Batch).ThenBy(i => Encoding.UTF8.GetBytes(i.Key), ByteOrder.Instance))
        {
            foreach (var (line, code, text, row) in Read(input))
            {
                if (row is not null) latest[input.Entity][row.Key] = row;
                else quarantine.Add(QuarantineLine(input.Key, line, code!, text));
            }
        }

        var gold = new List<string>();
        foreach (var album in latest[Entity.Albums].Values)
        {
            if (!latest[Entity.Tracks].TryGetValue(album.Key, out var track)) continue;
            if (!latest[Entity.Artists].TryGetValue((string)album.Values["artist_id"]!, out var artist)) continue;
            var a = album.Values;
            var date = (DateOnly)a["release_date"]!;
            object?[] values =
            [
                a["track_id"], a["track_name"], a["track_number"], a["duration_ms"], track.Values["track_popularity"], track.Values["explicit"],
                a["album_id"], a["album_name"], a["album_type"], a["label"], a["total_tracks"], a["album_popularity"], date,
                a["release_date_precision"], artist.Values["id"], artist.Values["name"], artist.Values["artist_popularity"],
                artist.Values["followers"], artist.Values["genres"], date.Year,
            ];
            gold.Add(string.Join(" | ", values.Select(Format)));
        }
        gold.Sort(StringComparer.Ordinal);
        quarantine.Sort(StringComparer.Ordinal);
        return new OracleResult(gold, quarantine);
    }

    /// <summary>The oracle of a committed state: every raw file version it names, read from the raw store with the batch that processed it.</summary>
    public static async Task<OracleResult> OfStateAsync(ManifestState state, IObjectStore raw, CancellationToken cancellationToken)
    {
        var inputs = new List<OracleInput>();
        foreach (var file in state.Files.Values)
        {
            await using var stream = await raw.OpenReadAsync(file.Key, cancellationToken);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, cancellationToken);
            var bytes = copy.ToArray();
            inputs.Add(new OracleInput(file.Key, file.Entity, file.Batch, bytes));
        }
        var versions = state.Files.Values.GroupBy(f => f.Key).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (versions.Count > 0) throw new InvalidOperationException("the oracle reads raw files as they are now; these keys have several processed versions: " + string.Join(", ", versions));
        return Compute(inputs);
    }

    /// <summary>The quarantine line of a row or a whole file (line and raw text null), as the lake's readers print it.</summary>
    public static string QuarantineLine(string key, long? line, string code, string? rawText) =>
        string.Join(" | ", key, line?.ToString(CultureInfo.InvariantCulture) ?? "NULL", code, rawText ?? "NULL");

    private static IEnumerable<(long? Line, string? Code, string? Text, OracleRow? Row)> Read(OracleInput input)
    {
        var bytes = input.Bytes;
        if (input.Key.EndsWith(".gz", StringComparison.Ordinal))
        {
            var plain = Gunzip(bytes);
            if (plain is null) return [(null, "bad_gzip", null, null)];
            bytes = plain;
        }

        var result = new List<(long?, string?, string?, OracleRow?)>();
        var columns = OracleRules.Columns(input.Entity);
        Dictionary<string, int>? header = null;
        int headerCount = 0;
        foreach (var record in OracleCsv.Records(bytes))
        {
            var text = OracleCsv.Utf8(record.Text);
            if (text is null) return [(null, "invalid_utf8", null, null)];
            if (record.IsBlank) continue;
            if (header is null)
            {
                var names = record.Fields.Select(f => (OracleCsv.Utf8(f ?? "") ?? "").Trim()).ToList();
                var map = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                var duplicates = new List<string>();
                for (var i = 0; i < names.Count; i++)
                {
                    if (!map.TryAdd(names[i], i)) duplicates.Add(names[i]);
                }
                if (columns.Any(c => !map.ContainsKey(c))) return [(null, "missing_columns", null, null)];
                if (duplicates.Any(d => columns.Contains(d, StringComparer.OrdinalIgnoreCase))) return [(null, "duplicate_columns", null, null)];
                header = map;
                headerCount = names.Count;
                continue;
            }
            string? problem = record.Unterminated || record.BadQuoting ? "bad_quoting" : record.Fields.Length != headerCount ? "field_count" : null;
            if (problem is not null)
            {
                result.Add((record.Line, problem, text, null));
                continue;
            }
            var fields = columns.ToDictionary(c => c, c => record.Fields[header[c]] is { } f ? OracleCsv.Utf8(f) : null);
            var (reject, row) = OracleRules.Check(input.Entity, fields);
            result.Add(reject is null ? (record.Line, null, null, row) : (record.Line, reject, text, null));
        }
        return result;
    }

    private static byte[]? Gunzip(byte[] bytes)
    {
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            gzip.CopyTo(plain);
            var data = plain.ToArray();
            // The decoder stops quietly at a cut-off stream; the trailer (CRC-32 and length of the data) says whether it is whole.
            if (bytes.Length < 18) return null;
            var trailer = bytes.AsSpan(bytes.Length - 8);
            var crc = BitConverter.ToUInt32(trailer[..4]);
            var size = BitConverter.ToUInt32(trailer[4..]);
            return crc == Crc32(data) && size == (uint)data.Length ? data : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    private static string Format(object? value) => value switch
    {
        null => "NULL",
        bool b => b ? "True" : "False",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        object?[] list => "[" + string.Join(",", list.Select(Format)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Keys in code point order (the order of their UTF-8 bytes), the order the design gives files.</summary>
    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
