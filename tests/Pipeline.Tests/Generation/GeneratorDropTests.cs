using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Transform;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Generation;

/// <summary>Drops are incremental: updates, dimensions that arrive late, duplicate keys.</summary>
public class GeneratorDropTests
{
    private static readonly GenerationOptions Options = new() { Scale = 0.02, Drops = 4, Seed = 21 };

    [Fact]
    public async Task GenerateAsync_SeveralDrops_GoldAfterEachDropMatchesReferenceJoin()
    {
        using var lake = await GeneratedLake.CreateAsync(Options);
        var reference = new ReferenceLake(lake);

        for (var drop = 1; drop <= Options.Drops; drop++)
        {
            reference.Apply(drop);
            Assert.Equal(lake.Report.GoldRowsAfterDrop[drop - 1], reference.Gold().Count());
        }
        Assert.True(lake.Report.GoldRowsAfterDrop[0] > lake.Report.GoldRowsAfterDrop[^1] / 2, "drop 1 carries most of the data");
    }

    [Fact]
    public async Task GenerateAsync_LastDrop_EveryAlbumRowJoinsExceptReportedOrphans()
    {
        using var lake = await GeneratedLake.CreateAsync(Options);
        var reference = new ReferenceLake(lake);
        for (var drop = 1; drop <= Options.Drops; drop++) reference.Apply(drop);

        var joined = reference.Gold().Select(a => a[1]).ToHashSet();
        var missing = reference.Latest(Entity.Albums).Keys.Where(k => !joined.Contains(k)).Order(StringComparer.Ordinal);

        Assert.Equal(lake.Report.Orphans.Select(o => o.TrackId).Distinct().Order(StringComparer.Ordinal), missing);
        Assert.Contains(lake.Report.Orphans, o => o.Reason == OrphanReason.ArtistNeverArrives);
        Assert.Contains(lake.Report.Orphans, o => o.Reason == OrphanReason.TrackNeverArrives);
    }

    [Fact]
    public async Task GenerateAsync_LaterDrops_UpdateExistingKeys()
    {
        using var lake = await GeneratedLake.CreateAsync(Options);
        var reference = new ReferenceLake(lake);
        reference.Apply(1);
        var artists = Snapshot(reference, Entity.Artists);
        var albums = Snapshot(reference, Entity.Albums);
        var tracks = Snapshot(reference, Entity.Tracks);
        for (var drop = 2; drop <= Options.Drops; drop++) reference.Apply(drop);

        var changedArtists = Changed(artists, reference.Latest(Entity.Artists));
        var changedAlbums = Changed(albums, reference.Latest(Entity.Albums));

        Assert.Contains(changedArtists, p => p.Before[1] != p.After[1]);
        Assert.Contains(changedArtists, p => p.Before[2] != p.After[2] && p.Before[4] != p.After[4]);
        Assert.Contains(changedAlbums, p => p.Before[8][..4] != p.After[8][..4]);
        Assert.Contains(changedAlbums, p => p.Before[10] != p.After[10]);
        Assert.NotEmpty(Changed(tracks, reference.Latest(Entity.Tracks)));
    }

    [Fact]
    public async Task GenerateAsync_LaterDrops_DeliverSomeDimensionsAfterTheRowsThatNeedThem()
    {
        using var lake = await GeneratedLake.CreateAsync(Options);
        var firstArtist = FirstDrops(lake, Entity.Artists);
        var firstAlbumRow = FirstDrops(lake, Entity.Albums);
        var firstTrack = FirstDrops(lake, Entity.Tracks);
        var albumRows = lake.DropFiles(Entity.Albums).SelectMany(f => lake.Rows(f.Key).Select(r => (f.Drop, Row: r.Fields))).ToList();

        Assert.Contains(albumRows, a => firstArtist.TryGetValue(a.Row[12], out var d) && d > a.Drop);
        Assert.Contains(albumRows, a => firstTrack.TryGetValue(a.Row[1], out var d) && d > a.Drop);
        Assert.Contains(firstTrack, t => firstAlbumRow[t.Key] > t.Value);
    }

    [Fact]
    public async Task GenerateAsync_AnyDrop_RepeatsSomeKeysWithinAFileLaterRowDiffering()
    {
        using var lake = await GeneratedLake.CreateAsync(Options with { Drops = 1, Scale = 0.05 });

        foreach (var entity in Entities.All)
        {
            var file = Assert.Single(lake.DropFiles(entity));
            var keyColumn = KaggleLayout.IndexOf(entity, entity.KeyColumn());
            var repeated = lake.Rows(file.Key).GroupBy(r => r.Fields[keyColumn]).Where(g => g.Count() > 1).ToList();

            Assert.NotEmpty(repeated);
            Assert.All(repeated, g => Assert.NotEqual(g.First().Fields, g.Last().Fields));
        }
    }

    private static Dictionary<string, string[]> Snapshot(ReferenceLake reference, Entity entity) =>
        reference.Latest(entity).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static List<(string[] Before, string[] After)> Changed(Dictionary<string, string[]> before, IReadOnlyDictionary<string, string[]> after) =>
        [.. before.Where(p => !p.Value.SequenceEqual(after[p.Key])).Select(p => (p.Value, after[p.Key]))];

    private static Dictionary<string, int> FirstDrops(GeneratedLake lake, Entity entity)
    {
        var keyColumn = KaggleLayout.IndexOf(entity, entity.KeyColumn());
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in lake.DropFiles(entity))
        {
            foreach (var row in lake.Rows(file.Key)) first.TryAdd(row.Fields[keyColumn], file.Drop);
        }
        return first;
    }
}
