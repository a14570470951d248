using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace SpotifyWorker.Pipeline.Transform.Csv;

/// <summary>
/// Reads one raw file (CSV or gzip CSV, UTF-8 with or without BOM, LF or CRLF, any column order) and writes
/// the entity's required columns to a normalized CSV with lineage columns <c>_file_ord,_line,_row</c>, which
/// the SQL engine reads with a fixed schema. This is the one place that decides where records start and end,
/// so line numbers in quarantine are those a person sees in an editor. Structural problems are decided
/// here; value problems (numbers, booleans, dates, empty keys) are decided by the shared SQL.
/// </summary>
public static class RawFileStager
{
    /// <summary>Header of the normalized file: lineage columns, then the required columns in canonical order.</summary>
    public static IReadOnlyList<string> NormalizedColumns(Entity entity) => ["_file_ord", "_line", "_row", .. entity.RequiredColumns()];

    public static StagedFile Stage(Stream raw, bool gzip, Entity entity, int fileOrdinal, Stream output, CancellationToken cancellationToken)
    {
        var required = entity.RequiredColumns();
        var rejects = new List<RowReject>();
        long rowsRead = 0, rowsStaged = 0;
        var maxRecord = 0;
        var writer = new NormalizedWriter(output);
        writer.WriteHeader(NormalizedColumns(entity));
        var ordinal = Encoding.ASCII.GetBytes(fileOrdinal.ToString(CultureInfo.InvariantCulture));

        var error = ReadDataRecords(raw, gzip, entity, cancellationToken, (reader, map, row) =>
        {
            rowsRead++;
            var problem = StructuralProblem(reader, map.HeaderCount);
            if (problem is not null)
            {
                rejects.Add(new RowReject(reader.Line, row, problem, reader.RecordText()));
                return;
            }
            var length = writer.WriteRecord(ordinal, reader.Line, row, reader, map.Indexes);
            maxRecord = Math.Max(maxRecord, length);
            rowsStaged++;
        });
        writer.Flush();
        return error is null
            ? new StagedFile(rowsRead, rowsStaged, rejects, null, maxRecord)
            : StagedFile.Refused(error.Value.Code, error.Value.Detail);
    }

    /// <summary>Second pass for rows the SQL rejected: their raw text, by row number, so quarantine keeps them whole.</summary>
    public static IReadOnlyDictionary<long, (long Line, string Text)> ReadRecords(Stream raw, bool gzip, Entity entity, IReadOnlySet<long> rows, CancellationToken cancellationToken)
    {
        var found = new Dictionary<long, (long, string)>();
        ReadDataRecords(raw, gzip, entity, cancellationToken, (reader, _, row) =>
        {
            if (rows.Contains(row)) found[row] = (reader.Line, reader.RecordText());
        });
        return found;
    }

    private static (RejectCode Code, string Detail)? ReadDataRecords(Stream raw, bool gzip, Entity entity, CancellationToken cancellationToken, Action<CsvRecordReader, ColumnMap, long> onRecord)
    {
        using var input = gzip ? new VerifiedGzipStream(raw) : null;
        var reader = new CsvRecordReader(input ?? raw);
        ColumnMap? map = null;
        long row = 0;
        try
        {
            while (reader.Read())
            {
                if (!reader.IsValidUtf8()) return (RejectCode.InvalidUtf8, InvalidUtf8Detail(reader));
                if (reader.IsBlank) continue;
                if (map is null)
                {
                    var header = ColumnMap.Create(reader, entity);
                    if (header.Error is not null) return header.Error;
                    map = header.Map;
                    continue;
                }
                row++;
                if ((row & 0xFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
                onRecord(reader, map, row);
            }
        }
        catch (InvalidDataException e)
        {
            return (RejectCode.BadGzip, e.Message);
        }
        return null;
    }

    private static string? StructuralProblem(CsvRecordReader reader, int headerCount)
    {
        if (reader.UnterminatedQuote) return RejectCode.BadQuoting.Reason($"a quoted field opened on line {reader.Line} or after is never closed");
        if (reader.BadQuoting) return RejectCode.BadQuoting.Reason("a quoted field is followed by text before the next comma");
        if (reader.FieldCount != headerCount) return RejectCode.FieldCount.Reason($"expected {headerCount} fields as in the header, found {reader.FieldCount}");
        return null;
    }

    private static string InvalidUtf8Detail(CsvRecordReader reader)
    {
        var record = reader.Record;
        var offset = 0;
        while (offset < record.Length && Rune.DecodeFromUtf8(record[offset..], out _, out var consumed) == OperationStatus.Done) offset += consumed;
        var line = reader.Line + record[..offset].Count((byte)'\n');
        var lineStart = record[..offset].LastIndexOf((byte)'\n') + 1;
        return $"byte 0x{record[offset]:X2} on line {line}, byte {offset - lineStart + 1} of the line, is not valid UTF-8 (the file must be UTF-8; Latin-1 or UTF-16 exports are not supported)";
    }

    /// <summary>Where each required column sits in this file's header.</summary>
    private sealed record ColumnMap(int HeaderCount, int[] Indexes)
    {
        public static (ColumnMap? Map, (RejectCode, string)? Error) Create(CsvRecordReader reader, Entity entity)
        {
            var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var duplicates = new List<string>();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var name = reader.Field(i).Trim();
                if (!names.TryAdd(name, i)) duplicates.Add(name);
            }
            var required = entity.RequiredColumns();
            var missing = required.Where(c => !names.ContainsKey(c)).ToList();
            if (missing.Count > 0)
            {
                var found = string.Join(", ", names.Keys.Take(20));
                return (null, (RejectCode.MissingColumns, $"header on line {reader.Line} lacks required {entity.Name()} column(s) {string.Join(", ", missing)}; found: {Truncate(found, 300)}"));
            }
            var ambiguous = duplicates.Where(d => required.Contains(d, StringComparer.OrdinalIgnoreCase)).ToList();
            if (ambiguous.Count > 0)
            {
                return (null, (RejectCode.DuplicateColumns, $"header on line {reader.Line} names {string.Join(", ", ambiguous)} more than once, so it is unclear which column to read"));
            }
            return (new ColumnMap(reader.FieldCount, [.. required.Select(c => names[c])]), null);
        }

        private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "...";
    }
}
