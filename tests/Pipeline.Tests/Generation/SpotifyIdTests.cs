using SpotifyWorker.Pipeline.Generation;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Generation;

public class SpotifyIdTests
{
    [Fact]
    public void For_ManyIndices_Are22DistinctBase62Characters()
    {
        var ids = Enumerable.Range(0, 20_000).Select(i => SpotifyId.For(7, Salt.TrackId, i)).ToList();

        Assert.All(ids, id => Assert.Matches("^[0-9A-Za-z]{22}$", id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void For_SameIndexOtherKindOrSeed_Differs()
    {
        var id = SpotifyId.For(7, Salt.TrackId, 5);

        Assert.Equal(id, SpotifyId.For(7, Salt.TrackId, 5));
        Assert.NotEqual(id, SpotifyId.For(7, Salt.AlbumId, 5));
        Assert.NotEqual(id, SpotifyId.For(8, Salt.TrackId, 5));
    }
}
