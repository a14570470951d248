namespace SpotifyWorker.Pipeline.Transform.Csv;

/// <summary>A row that failed before it reached SQL (wrong field count, broken quoting).</summary>
public sealed record RowReject(long Line, long Row, string Reason, string RawLine);

/// <summary>Why a whole file was refused; nothing of it is used.</summary>
public sealed record FileReject(RejectCode Code, string Reason);

/// <summary>What staging one raw file produced.</summary>
/// <param name="RowsRead">Data records in the file (blank lines and the header do not count).</param>
/// <param name="RowsStaged">Records written to the normalized file for SQL validation.</param>
/// <param name="MaxRecordBytes">Longest normalized record, so the CSV reader can be told its line size.</param>
public sealed record StagedFile(long RowsRead, long RowsStaged, IReadOnlyList<RowReject> Rejects, FileReject? FileError, int MaxRecordBytes)
{
    public static StagedFile Refused(RejectCode code, string detail) => new(0, 0, [], new FileReject(code, code.Reason(detail)), 0);
}
