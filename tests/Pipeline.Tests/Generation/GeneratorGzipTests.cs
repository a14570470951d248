using System.Data.Common;
using DuckDB.NET.Data;
using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Transform;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Generation;

/// <summary>Compression and quoting: what other readers (gunzip, DuckDB) make of the files.</summary>
public class GeneratorGzipTests
{
    private static readonly GenerationOptions Options = new() { Scale = 0.01, Drops = 2, Seed = 9 };

    [Fact]
    public async Task GenerateAsync_Gzip_FilesDecompressToThePlainCsv()
    {
        using var plain = await GeneratedLake.CreateAsync(Options);
        using var zipped = await GeneratedLake.CreateAsync(Options with { Gzip = true });

        var plainFiles = plain.DropFiles().ToList();
        var zippedFiles = zipped.DropFiles().ToList();

        Assert.Equal(plainFiles.Select(f => f.Key + ".gz"), zippedFiles.Select(f => f.Key));
        for (var i = 0; i < plainFiles.Count; i++)
        {
            Assert.Equal(plain.Text(plainFiles[i].Key), zipped.Text(zippedFiles[i].Key));
            Assert.True(zippedFiles[i].Bytes < plainFiles[i].Bytes, "compressed files are smaller");
        }
    }

    [Fact]
    public async Task GenerateAsync_QuotedFields_ReadTheSameInDuckDb()
    {
        using var lake = await GeneratedLake.CreateAsync(Options with { Scale = 0.03, Gzip = true });
        var key = lake.DropFiles(Entity.Albums).First().Key;
        var expected = lake.Rows(key).Select(r => r.Fields).ToList();

        using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM read_csv('{lake.Store.PathOf(key)}', header = true, all_varchar = true, quote = '\"', escape = '\"')";
        var actual = new List<string[]>();
        using (DbDataReader reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            Assert.Equal(KaggleLayout.Albums, Enumerable.Range(0, reader.FieldCount).Select(reader.GetName));
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                actual.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : reader.GetString(i))]);
            }
        }

        Assert.Equal(expected, actual);
        Assert.Contains(actual, f => f[0].Contains('\n', StringComparison.Ordinal) || f[13].Contains('\n', StringComparison.Ordinal));
        Assert.Contains(actual, f => f[0].Contains('"', StringComparison.Ordinal) || f[13].Contains('"', StringComparison.Ordinal));
    }
}
