using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Transform;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Generation;

public class GeneratorScaleTests
{
    [Theory]
    [InlineData(0.002, 1)]
    [InlineData(0.006, 3)]
    public async Task GenerateAsync_Scale_DeliversTheDocumentedNumberOfKeys(double scale, int drops)
    {
        using var lake = await GeneratedLake.CreateAsync(new GenerationOptions { Scale = scale, Drops = drops, Seed = 3 });
        var counts = lake.Report.Entities.ToDictionary(e => e.Entity);
        var orphanTracks = lake.Report.Orphans.Count(o => o.Reason == OrphanReason.TrackNeverArrives);

        Assert.Equal((long)Math.Round(438_938 * scale), counts[Entity.Albums].Keys);
        Assert.Equal((long)Math.Round(37_000 * scale), counts[Entity.Artists].Keys);
        Assert.Equal(counts[Entity.Albums].Keys - orphanTracks, counts[Entity.Tracks].Keys);
        foreach (var entity in Entities.All)
        {
            var keyColumn = KaggleLayout.IndexOf(entity, entity.KeyColumn());
            var rows = lake.DropFiles(entity).SelectMany(f => lake.Rows(f.Key)).ToList();
            Assert.Equal(counts[entity].Keys, rows.Select(r => r.Fields[keyColumn]).Distinct().Count());
            Assert.Equal(counts[entity].Rows, rows.Count);
        }
    }

    [Fact]
    public async Task GenerateAsync_Report_RowsAndBytesDescribeEachFile()
    {
        using var lake = await GeneratedLake.CreateAsync(new GenerationOptions { Scale = 0.003, Drops = 2, Seed = 3, Dirty = true });

        Assert.All(lake.Report.Files, f =>
        {
            Assert.Equal(new FileInfo(lake.Store.PathOf(f.Key)).Length, f.Bytes);
            if (f.Bytes > 0 && !f.Key.EndsWith(".gz", StringComparison.Ordinal) && lake.Report.InjectedFiles.All(i => i.Reason != RejectCode.InvalidUtf8 || i.FileKey != f.Key))
            {
                Assert.Equal(f.Rows, lake.Rows(f.Key).Count);
            }
        });
        Assert.Equal(lake.Report.Files.Sum(f => f.Bytes), lake.Report.TotalBytes);
    }
}
