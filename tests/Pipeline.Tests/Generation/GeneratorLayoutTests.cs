using System.Globalization;
using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Transform;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Generation;

/// <summary>The files have the Kaggle layout and realistic, well-formed values.</summary>
public class GeneratorLayoutTests
{
    private static readonly GenerationOptions Small = new() { Scale = 0.01, Drops = 2, Seed = 11 };

    [Fact]
    public async Task GenerateAsync_AnyOptions_WritesExactKaggleHeaders()
    {
        using var lake = await GeneratedLake.CreateAsync(Small with { Gzip = true });

        Assert.All(lake.DropFiles(), file =>
        {
            var header = lake.Records(file.Key)[0].Fields;
            var expected = file.Entity switch
            {
                Entity.Artists => "id,name,artist_popularity,artist_genres,followers,genre_0,genre_1,genre_2,genre_3,genre_4,genre_5,genre_6",
                Entity.Albums => "track_name,track_id,track_number,duration_ms,album_type,artists,total_tracks,album_name,release_date,label,album_popularity,album_id,artist_id,"
                    + "artist_0,artist_1,artist_2,artist_3,artist_4,artist_5,artist_6,artist_7,artist_8,artist_9,artist_10,artist_11,duration_sec",
                _ => "id,track_popularity,explicit",
            };
            Assert.Equal(expected, string.Join(',', header));
            Assert.Empty(file.Entity.RequiredColumns().Except(header));
        });
    }

    [Fact]
    public async Task GenerateAsync_KeysOfAllFiles_SortInDropOrder()
    {
        using var lake = await GeneratedLake.CreateAsync(Small with { Drops = 12, Dirty = true });

        var keys = lake.Report.Files.Select(f => f.Key).ToList();

        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.All(lake.Report.Files, f => Assert.Matches($"^raw/{f.Entity.Name()}/drop-{f.Drop:D4}/{f.Entity.Name()}-\\d{{4}}\\.csv(\\.gz)?$", f.Key));
        foreach (var entity in Entities.All)
        {
            var drops = lake.Report.Files.Where(f => f.Entity == entity).Select(f => f.Drop).ToList();
            Assert.Equal(drops.Order(), drops);
            Assert.Equal(Enumerable.Range(1, 12), drops.Distinct());
        }
    }

    [Fact]
    public async Task GenerateAsync_KaggleLayout_KaggleFileNamesAtRawRootInDropOrder()
    {
        using var lake = await GeneratedLake.CreateAsync(Small with { Drops = 3, Dirty = true, Layout = RawLayout.Kaggle });

        var keys = lake.Report.Files.Select(f => f.Key).ToList();

        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.Equal(
            ["raw/spotify-albums_data_2023.csv", "raw/spotify_artist_data_2023.csv", "raw/spotify_tracks_data_2023.csv"],
            lake.Report.Files.Where(f => f.Drop == 1).Select(f => f.Key));
        Assert.All(lake.Report.Files, f =>
        {
            Assert.Matches($"^raw/{KaggleLayout.FileStem(f.Entity)}(_drop{f.Drop:D4}(_part\\d{{4}})?)?\\.csv(\\.gz)?$", f.Key);
            Assert.Equal(f.Entity, RawKeys.Classify("raw/", f.Key).Entity);
        });
        foreach (var entity in Entities.All)
        {
            var drops = lake.Report.Files.Where(f => f.Entity == entity).Select(f => f.Drop).ToList();
            Assert.Equal(drops.Order(), drops);
        }
    }

    [Fact]
    public async Task GenerateAsync_AlbumRows_HaveWellFormedRealisticValues()
    {
        using var lake = await GeneratedLake.CreateAsync(Small);
        var rows = lake.DropFiles(Entity.Albums).SelectMany(f => lake.Rows(f.Key)).Select(r => r.Fields).ToList();
        int Col(string name) => KaggleLayout.IndexOf(Entity.Albums, name);

        Assert.All(rows, f =>
        {
            Assert.Equal(KaggleLayout.Albums.Count, f.Length);
            Assert.Matches("^[0-9A-Za-z]{22}$", f[Col("track_id")]);
            Assert.Matches("^[0-9A-Za-z]{22}$", f[Col("album_id")]);
            Assert.Matches("^[0-9A-Za-z]{22}$", f[Col("artist_id")]);
            Assert.Contains(f[Col("album_type")], new[] { "album", "single", "compilation" });
            Assert.InRange(int.Parse(f[Col("album_popularity")], CultureInfo.InvariantCulture), 0, 100);
            var ms = int.Parse(f[Col("duration_ms")], CultureInfo.InvariantCulture);
            Assert.InRange(ms, 30_000, 600_000);
            Assert.Equal(ms / 1000m, decimal.Parse(f[Col("duration_sec")], CultureInfo.InvariantCulture));
            Assert.InRange(int.Parse(f[Col("track_number")], CultureInfo.InvariantCulture), 1, int.Parse(f[Col("total_tracks")], CultureInfo.InvariantCulture));
            Assert.Matches(@"^\d{4}(-\d{2}(-\d{2}( \d{2}:\d{2}:\d{2} UTC)?)?)?$", f[Col("release_date")]);
            Assert.StartsWith("[", f[Col("artists")], StringComparison.Ordinal);
            Assert.NotEqual("", f[Col("artist_0")]);
        });
        Assert.Contains(rows, f => f[Col("album_name")] == "");
        Assert.Contains(rows, f => f[Col("label")] == "");
        Assert.Contains(rows, f => f[Col("artist_1")] != "");
    }

    [Fact]
    public async Task GenerateAsync_ReleaseDates_MixAllFormsMostlyDaysAndSpanTheDecades()
    {
        using var lake = await GeneratedLake.CreateAsync(Small with { Scale = 0.05 });
        var dates = lake.DropFiles(Entity.Albums).SelectMany(f => lake.Rows(f.Key))
            .Select(r => r.Fields[KaggleLayout.IndexOf(Entity.Albums, "release_date")]).ToList();

        var byLength = dates.GroupBy(d => d.Length).ToDictionary(g => g.Key, g => g.Count());
        var years = dates.Select(d => int.Parse(d[..4], CultureInfo.InvariantCulture)).ToList();

        Assert.Equal([4, 7, 10, 23], byLength.Keys.Order());
        Assert.True(byLength[10] > dates.Count / 2, "day precision is the most common form");
        Assert.InRange(years.Min(), 1950, 1960);
        Assert.Equal(2023, years.Max());
        Assert.True(years.Count(y => y >= 2010) > years.Count(y => y < 2010), "recent years are heavier");
    }

    [Fact]
    public async Task GenerateAsync_ArtistRows_GenreCellsSplitTheGenreList()
    {
        using var lake = await GeneratedLake.CreateAsync(Small);
        var rows = lake.DropFiles(Entity.Artists).SelectMany(f => lake.Rows(f.Key)).Select(r => r.Fields).ToList();

        Assert.All(rows, f =>
        {
            var genres = f[5..].Where(g => g != "").ToList();
            Assert.Equal("[" + string.Join(", ", genres.Select(g => g.Contains('\'', StringComparison.Ordinal) ? $"\"{g}\"" : $"'{g}'")) + "]", f[3]);
            Assert.InRange(int.Parse(f[2], CultureInfo.InvariantCulture), 0, 100);
            Assert.InRange(long.Parse(f[4], CultureInfo.InvariantCulture), 0, 100_000_000);
        });
        Assert.Contains(rows, f => f[3] == "[]");
        Assert.Contains(rows, f => long.Parse(f[4], CultureInfo.InvariantCulture) > 1_000_000);
    }

    [Fact]
    public async Task GenerateAsync_Names_IncludeUnicodeAndCharactersThatNeedQuoting()
    {
        using var lake = await GeneratedLake.CreateAsync(Small with { Scale = 0.05 });
        var names = lake.DropFiles(Entity.Albums).SelectMany(f => lake.Rows(f.Key))
            .SelectMany(r => new[] { r.Fields[0], r.Fields[KaggleLayout.IndexOf(Entity.Albums, "artist_0")] }).ToList();

        Assert.Contains(names, n => n.Contains(',', StringComparison.Ordinal));
        Assert.Contains(names, n => n.Contains('"', StringComparison.Ordinal));
        Assert.Contains(names, n => n.Contains('\n', StringComparison.Ordinal));
        Assert.Contains(names, n => n.Any(c => c is >= 'À' and <= 'ž'));
        Assert.Contains(names, n => n.Any(c => c is >= '\u3040' and <= '\u9FFF' or >= '\uAC00' and <= '\uD7AF'));
        Assert.Contains(names, n => n.Any(char.IsSurrogate));
    }

    [Fact]
    public async Task GenerateAsync_TracksRows_HaveBooleanExplicitAndPopularity()
    {
        using var lake = await GeneratedLake.CreateAsync(Small);
        var rows = lake.DropFiles(Entity.Tracks).SelectMany(f => lake.Rows(f.Key)).Select(r => r.Fields).ToList();

        Assert.All(rows, f =>
        {
            Assert.Equal(3, f.Length);
            Assert.InRange(int.Parse(f[1], CultureInfo.InvariantCulture), 0, 100);
            Assert.Contains(f[2], new[] { "true", "false" });
        });
        Assert.Contains(rows, f => f[2] == "true");
    }
}
