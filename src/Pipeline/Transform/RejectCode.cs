namespace SpotifyWorker.Pipeline.Transform;

/// <summary>
/// Why a row or a file was quarantined. A quarantine reason is always "<c>code: detail</c>", with the
/// code in snake case (for example <c>bad_number: track_number 'x1' is not an integer</c>), so that
/// alarms and queries can group by the code and people can read the detail.
/// </summary>
public enum RejectCode
{
    // Row level: the row goes to quarantine, the rest of the file is processed.
    EmptyKey,
    BadNumber,
    BadBoolean,
    BadDate,
    FieldCount,
    BadQuoting,

    // File level: the whole file is quarantined and not retried until its ETag changes.
    MissingColumns,
    DuplicateColumns,
    InvalidUtf8,
    BadGzip,
}

public static class RejectCodes
{
    public static string Code(this RejectCode code) => code switch
    {
        RejectCode.EmptyKey => "empty_key",
        RejectCode.BadNumber => "bad_number",
        RejectCode.BadBoolean => "bad_boolean",
        RejectCode.BadDate => "bad_date",
        RejectCode.FieldCount => "field_count",
        RejectCode.BadQuoting => "bad_quoting",
        RejectCode.MissingColumns => "missing_columns",
        RejectCode.DuplicateColumns => "duplicate_columns",
        RejectCode.InvalidUtf8 => "invalid_utf8",
        RejectCode.BadGzip => "bad_gzip",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, null),
    };

    public static string Reason(this RejectCode code, string detail) => code.Code() + ": " + detail;

    public static bool IsFileLevel(this RejectCode code) => code >= RejectCode.MissingColumns;
}
