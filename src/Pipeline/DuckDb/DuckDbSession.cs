using System.Globalization;
using DuckDB.NET.Data;

namespace SpotifyWorker.Pipeline.DuckDb;

/// <summary>
/// One in-memory DuckDB connection with the memory limit, spill folder and thread count applied.
/// The allocator settings return freed memory to the OS early: by default DuckDB's allocator keeps up to 512 MiB
/// of freed blocks cached outside the memory limit, which put a scale-10 run's peak RSS ~330 MiB above the limit.
/// A partitioned COPY flushes each partition's rows every 100,000 rows instead of every 524,288: at scale 10 the gold
/// write took 8.5 s instead of 12 s and held less outside the buffer pool.
/// DuckDB.NET's async methods run synchronously, so statements run on the thread pool and a cancelled
/// token interrupts the running statement.
/// </summary>
public sealed class DuckDbSession : IDisposable
{
    private readonly DuckDBConnection _connection;

    private DuckDbSession(DuckDBConnection connection) => _connection = connection;

    public static DuckDbSession Open(DuckDbOptions options, string tempDirectory)
    {
        Directory.CreateDirectory(tempDirectory);
        var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var session = new DuckDbSession(connection);
        session.Execute($"""
            SET memory_limit = {Literal(options.MemoryLimit)};
            SET temp_directory = {Literal(tempDirectory)};
            SET threads = {options.ThreadCount.ToString(CultureInfo.InvariantCulture)};
            SET preserve_insertion_order = false;
            SET enable_progress_bar = false;
            SET allocator_flush_threshold = '32MB';
            SET allocator_bulk_deallocation_flush_threshold = '64MB';
            SET allocator_background_threads = true;
            SET partitioned_write_flush_threshold = 100000;
            """);
        return session;
    }

    public DuckDBConnection Connection => _connection;

    /// <summary>Query progress in percent (0..100) of the running statement, or -1 when unknown.</summary>
    public double Progress => _connection.GetQueryProgress().Percentage;

    public void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public Task ExecuteAsync(string sql, CancellationToken cancellationToken) => RunAsync(sql, c => c.ExecuteNonQuery(), cancellationToken);

    /// <summary>Runs a statement and returns the rows it changed; for COPY ... TO, the rows it wrote.</summary>
    public Task<long> ExecuteCountAsync(string sql, CancellationToken cancellationToken) => RunAsync(sql, c => (long)c.ExecuteNonQuery(), cancellationToken);

    public Task<T> ScalarAsync<T>(string sql, CancellationToken cancellationToken) =>
        RunAsync(sql, c => (T)Convert.ChangeType(c.ExecuteScalar()!, typeof(T), CultureInfo.InvariantCulture), cancellationToken);

    /// <summary>Runs a query and returns its column names and rows (values as DuckDB.NET gives them).</summary>
    public Task<QueryRows> QueryAsync(string sql, CancellationToken cancellationToken) => RunAsync(sql, command =>
    {
        using var reader = command.ExecuteReader();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(i => new QueryColumn(reader.GetName(i), reader.GetDataTypeName(i))).ToList();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return new QueryRows(columns, rows);
    }, cancellationToken);

    private async Task<T> RunAsync<T>(string sql, Func<DuckDBCommand, T> run, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        using var registration = cancellationToken.Register(command.Cancel);
        try
        {
            return await Task.Run(() => run(command), CancellationToken.None).ConfigureAwait(false);
        }
        catch (DuckDBException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("DuckDB statement interrupted", cancellationToken);
        }
    }

    /// <summary>A SQL string literal.</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>A DuckDB list of string literals, for read_parquet/read_csv file lists.</summary>
    public static string List(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(Literal)) + "]";

    public void Dispose() => _connection.Dispose();
}

public sealed record QueryColumn(string Name, string Type);

public sealed record QueryRows(IReadOnlyList<QueryColumn> Columns, IReadOnlyList<object?[]> Rows);
