using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;
using static SpotifyWorker.Pipeline.Tests.TestSupport.Csv;

namespace SpotifyWorker.Pipeline.Tests.Transform;

/// <summary>The value rules of Transform/Sql/validate_*.sql, through the real DuckDB engine.</summary>
public sealed class ValidationSqlTests : IDisposable
{
    private readonly TestLake _lake = new();

    public void Dispose() => _lake.Dispose();

    [Theory]
    [InlineData("2021", "2021-01-01", "year")]
    [InlineData("2021-07", "2021-07-01", "month")]
    [InlineData("2021-07-09", "2021-07-09", "day")]
    [InlineData("2021-07-09 00:00:00 UTC", "2021-07-09", "day")]
    [InlineData(" 2021-07-09 ", "2021-07-09", "day")]
    [InlineData("2021-07-09 13:45:00 UTC", "2021-07-09", "day")]
    [InlineData("2021-07-09 13:45:00", "2021-07-09", "day")]
    public async Task ReleaseDate_FourForms_ParseToFirstDayOfPrecision(string raw, string date, string precision)
    {
        await _lake.PutAsync("raw/albums/d/a.csv", File(AlbumHeader, Album("t1", "a1", raw)));
        await _lake.RunOkAsync();

        Assert.Equal([$"{date} | {precision}"], await _lake.RowsAsync(Tables.Silver(Pipeline.Transform.Entity.Albums), "release_date, release_date_precision"));
    }

    [Theory]
    [InlineData("2021-13-01")]
    [InlineData("2021-02-30")]
    [InlineData("0000")]
    [InlineData("2021 00:00:00 UTC")]
    [InlineData("21-01-01")]
    [InlineData("last year")]
    [InlineData("2021-07-09T00:00:00")]
    [InlineData("\"2020-01-01\n\"")]
    [InlineData("\u00a02020-01-01")]
    [InlineData("2021-7-9")]
    [InlineData("0999-01-01")]
    [InlineData("+2021")]
    public async Task ReleaseDate_Invalid_RejectedAsBadDate(string raw)
    {
        await _lake.PutAsync("raw/albums/d/a.csv", File(AlbumHeader, Album("t1", "a1", raw)));
        await _lake.RunOkAsync();

        Assert.StartsWith("raw/albums/d/a.csv | 2 | bad_date:", Assert.Single(await _lake.QuarantineAsync()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("42", "42")]
    [InlineData("+42", "42")]
    [InlineData("42.0", "42")]
    [InlineData("0042", "42")]
    [InlineData("-0", "0")]
    [InlineData("-7", "-7")]
    [InlineData("", "NULL")]
    [InlineData(" 42", "42")]
    [InlineData("42 ", "42")]
    [InlineData("  42  ", "42")]
    [InlineData("   ", "NULL")]
    public async Task Integer_AcceptedForms_Parse(string raw, string expected)
    {
        await _lake.PutAsync("raw/tracks/d/t.csv", $"{TrackHeader}\nt1,{raw},false\n");
        await _lake.RunOkAsync();

        Assert.Equal([expected], await _lake.RowsAsync(Tables.Silver(Pipeline.Transform.Entity.Tracks), "track_popularity"));
    }

    [Theory]
    [InlineData("42.5")]
    [InlineData("4e2")]
    [InlineData("99999999999")]
    [InlineData("12x")]
    [InlineData("\u00a014")]
    [InlineData("14\u00a0")]
    [InlineData("\t14")]
    [InlineData("1_000")]
    [InlineData("0x10")]
    public async Task Integer_Invalid_RejectedAsBadNumber(string raw)
    {
        await _lake.PutAsync("raw/tracks/d/t.csv", $"{TrackHeader}\nt1,{raw},false\n");
        await _lake.RunOkAsync();

        Assert.StartsWith($"raw/tracks/d/t.csv | 2 | bad_number: track_popularity \"{raw}\" is not an integer", Assert.Single(await _lake.QuarantineAsync()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true", "True")]
    [InlineData("FALSE", "False")]
    [InlineData("", "NULL")]
    public async Task Explicit_Booleans_Parse(string raw, string expected)
    {
        await _lake.PutAsync("raw/tracks/d/t.csv", $"{TrackHeader}\nt1,1,{raw}\n");
        await _lake.RunOkAsync();

        Assert.Equal([expected], await _lake.RowsAsync(Tables.Silver(Pipeline.Transform.Entity.Tracks), "explicit"));
    }

    // Spark's trim strips only the ASCII space and Java's $ matches before a final line break, so the SQL trims
    // spaces explicitly and compares whole matches; DuckDB must give the outcome Spark gives.
    [Fact]
    public async Task Integer_EndingInLineBreak_RejectedAsBadNumber()
    {
        await _lake.PutAsync("raw/tracks/d/t.csv", $"{TrackHeader}\nt1,\"13\n\",false\n");
        await _lake.RunOkAsync();

        Assert.StartsWith("raw/tracks/d/t.csv | 2 | bad_number: track_popularity \"13\n\" is not an integer", Assert.Single(await _lake.QuarantineAsync()), StringComparison.Ordinal);
    }

    // The SQL trims only values that start or end with a space (trimming every value cost a second at scale 10), so a
    // key of spaces alone must still be empty, and one that merely starts with a space must not.
    [Theory]
    [InlineData("   ", true)]
    [InlineData(" ", true)]
    [InlineData(" t1", false)]
    [InlineData("t1 ", false)]
    public async Task Id_Spaces_EmptyOnlyWhenNothingElse(string id, bool empty)
    {
        await _lake.PutAsync("raw/tracks/d/t.csv", $"{TrackHeader}\n{id},1,true\n");
        await _lake.RunOkAsync();

        if (empty)
        {
            Assert.StartsWith("raw/tracks/d/t.csv | 2 | empty_key: id is empty", Assert.Single(await _lake.QuarantineAsync()), StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(await _lake.QuarantineAsync());
            Assert.Equal([$"{id} | True"], await _lake.RowsAsync(Tables.Silver(Pipeline.Transform.Entity.Tracks), "id, explicit"));
        }
    }

    [Fact]
    public async Task Id_NoBreakSpace_IsAnIdNotAnEmptyKey()
    {
        await _lake.PutAsync("raw/tracks/d/t.csv", $"{TrackHeader}\n\u00a0,1, true \n");
        await _lake.RunOkAsync();

        Assert.Empty(await _lake.QuarantineAsync());
        Assert.Equal(["\u00a0 | True"], await _lake.RowsAsync(Tables.Silver(Pipeline.Transform.Entity.Tracks), "id, explicit"));
    }

    [Fact]
    public async Task ReleaseDate_Year1200_ReachesGold()
    {
        await _lake.PutAsync("raw/artists/d/a.csv", $"{ArtistHeader}\na1,Ana,1,[],2,rock,,,,,,\n");
        await _lake.PutAsync("raw/albums/d/a.csv", File(AlbumHeader, Album("t1", "a1", "1200-06-15")));
        await _lake.PutAsync("raw/tracks/d/t.csv", $"{TrackHeader}\nt1,1,false\n");
        await _lake.RunOkAsync();

        Assert.Equal(["1200 | 1200-06-15"], await _lake.RowsAsync(Tables.Gold, "release_year, release_date"));
    }

    [Fact]
    public async Task Genres_EmptyCellsSkipped_OrderKept()
    {
        await _lake.PutAsync("raw/artists/d/a.csv", $"{ArtistHeader}\na1,Ana,1,[],2,rock,,  ,indie,,,\n");
        await _lake.RunOkAsync();

        Assert.Equal(["[rock,indie]"], await _lake.RowsAsync(Tables.Silver(Pipeline.Transform.Entity.Artists), "genres"));
    }
}
