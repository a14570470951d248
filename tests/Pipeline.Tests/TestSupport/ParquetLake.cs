using System.Collections.Immutable;
using DuckDB.NET.Data;
using SpotifyWorker.Pipeline.DuckDb;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Storage;

namespace SpotifyWorker.Pipeline.Tests.TestSupport;

/// <summary>
/// A temp lake holding small Parquet files written by DuckDB COPY, and hand-built committed states naming
/// them, so catalog and query tests need neither raw CSV nor the pipeline.
/// </summary>
internal sealed class ParquetLake : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly DuckDBConnection _db = new("DataSource=:memory:");

    public ParquetLake()
    {
        Store = new LocalObjectStore(_dir.Path);
        _db.Open();
    }

    public LocalObjectStore Store { get; }

    public LakeStores Stores => new(Store, "raw/", Store);

    public static DuckDbOptions Options => new() { MemoryLimit = "256MB", Threads = 1 };

    /// <summary>Writes a gold file into <c>release_year=&lt;year&gt;</c>; rows must all be of that year.</summary>
    public DataFile Gold(int year, params GoldRow[] rows) =>
        Write(LakeLayout.Gold(year, $"part-{Guid.NewGuid():N}.parquet"), Tables.Gold, GoldRow.Select(rows), year);

    /// <summary>Writes the result of a SELECT to one Parquet file at <paramref name="key"/>.</summary>
    public DataFile Write(string key, string table, string select, int? releaseYear = null)
    {
        var path = Store.PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var command = _db.CreateCommand())
        {
            command.CommandText = $"COPY ({select}) TO {DuckDbSession.Literal(path)} (FORMAT parquet)";
            command.ExecuteNonQuery();
        }
        using var count = _db.CreateCommand();
        count.CommandText = $"SELECT count(*) FROM read_parquet({DuckDbSession.Literal(path)})";
        var rows = Convert.ToInt64(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        return new DataFile(key, table, rows, new FileInfo(path).Length, releaseYear);
    }

    /// <summary>A committed state at <paramref name="seq"/> whose live files are exactly <paramref name="files"/>.</summary>
    public static ManifestState State(long seq, params DataFile[] files) => ManifestState.Empty with
    {
        Seq = seq,
        LiveFiles = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, files.Select(f => KeyValuePair.Create(f.Key, f))),
    };

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }
}
