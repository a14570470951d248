using System.Text;
using SpotifyWorker.Pipeline.Transform;
using Xunit;
using static SpotifyWorker.Pipeline.Tests.TestSupport.Csv;

namespace SpotifyWorker.Pipeline.Tests.Oracle;

/// <summary>The oracle on its own, against the README's rules: the reference must be right before anything is compared with it.</summary>
public sealed class GoldOracleTests
{
    private static OracleInput Input(string key, long batch, string text) =>
        new(key, key.Contains("/artists/", StringComparison.Ordinal) ? Entity.Artists : key.Contains("/albums/", StringComparison.Ordinal) ? Entity.Albums : Entity.Tracks, batch, Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Compute_SameKeyInBatchesFilesAndRows_LaterBatchThenLaterFileThenLaterRowWins()
    {
        var result = GoldOracle.Compute([
            Input("raw/artists/d2/a.csv", 2, File(ArtistHeader, Artist("a1", "Batch2"))),
            Input("raw/artists/d1/b.csv", 1, File(ArtistHeader, Artist("a1", "LaterFileOfBatch1"))),
            Input("raw/artists/d1/a.csv", 1, File(ArtistHeader, Artist("a2", "Early"), Artist("a2", "LaterRow"))),
            Input("raw/albums/d1/a.csv", 1, File(AlbumHeader, Album("t1", "a1", "2001-05"), Album("t2", "a2", "1999"), Album("t3", "a9"))),
            Input("raw/tracks/d1/t.csv", 1, File(TrackHeader, Track("t1", 5, "TRUE"), Track("t2"), Track("t3"))),
        ]);

        Assert.Equal(
            [
                "t1 | Song | 1 | 200000 | 5 | True | alb-t1 | Album | album | Label | 10 | 40 | 2001-05-01 | month | a1 | Batch2 | 50 | 1000 | [] | 2001",
                "t2 | Song | 1 | 200000 | 60 | False | alb-t2 | Album | album | Label | 10 | 40 | 1999-01-01 | year | a2 | LaterRow | 50 | 1000 | [] | 1999",
            ],
            result.Gold);
        Assert.Empty(result.Quarantine);
    }

    [Fact]
    public void Compute_BadRows_QuarantinedWithTheLineAnEditorShows()
    {
        var text = "\uFEFF" + TrackHeader + "\r\n\r\nt1,1,true\r\n\"t2\nstill t2\",2,maybe\r\nt3,x,false\r\n\"t4\"x,1,true\r\nt5,1\r\n,1,true\r\n";
        var result = GoldOracle.Compute([Input("raw/tracks/d1/t.csv", 1, text)]);

        Assert.Equal(
            [
                "raw/tracks/d1/t.csv | 4 | bad_boolean | \"t2\nstill t2\",2,maybe",
                "raw/tracks/d1/t.csv | 6 | bad_number | t3,x,false",
                "raw/tracks/d1/t.csv | 7 | bad_quoting | \"t4\"x,1,true",
                "raw/tracks/d1/t.csv | 8 | field_count | t5,1",
                "raw/tracks/d1/t.csv | 9 | empty_key | ,1,true",
            ],
            result.Quarantine);
    }

    [Fact]
    public void Compute_UnreadableFiles_QuarantinedWhole()
    {
        var latin1 = new OracleInput("raw/artists/d1/l.csv", Entity.Artists, 1, [.. Encoding.UTF8.GetBytes(ArtistHeader + "\na1,Caf"), 0xE9, (byte)'\n']);
        var result = GoldOracle.Compute([latin1, Input("raw/tracks/d1/m.csv", 1, "id,track_popularity\nt1,1\n"), Input("raw/tracks/d1/n.csv.gz", 1, "not gzip")]);

        Assert.Equal(
            ["raw/artists/d1/l.csv | NULL | invalid_utf8 | NULL", "raw/tracks/d1/m.csv | NULL | missing_columns | NULL", "raw/tracks/d1/n.csv.gz | NULL | bad_gzip | NULL"],
            result.Quarantine);
    }
}
