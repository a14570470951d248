namespace SpotifyWorker.Pipeline.Generation;

internal enum AlbumType
{
    Album,
    Single,
    Compilation,
}

/// <summary>
/// Which artists, albums and tracks exist, independent of when they are delivered. Only the album layout
/// (first track of each album) is held in memory: one int per album, so scale 10 costs a few megabytes;
/// everything else is recomputed from the seed when a row is written.
/// </summary>
internal sealed class Universe
{
    private const double GhostArtistShare = 0.001;
    private const double OrphanTrackShare = 0.0005;
    private readonly int[] _albumStarts;

    public Universe(ulong seed, int artists, int tracks)
    {
        Seed = seed;
        Artists = artists;
        Tracks = tracks;
        var starts = new List<int> { 0 };
        for (var next = 0; next < tracks; )
        {
            next = Math.Min(tracks, next + Shape(seed, starts.Count - 1).Tracks);
            starts.Add(next);
        }
        _albumStarts = [.. starts];
    }

    public ulong Seed { get; }

    public int Artists { get; }

    /// <summary>Album rows, one per track; every track belongs to exactly one album.</summary>
    public int Tracks { get; }

    public int Albums => _albumStarts.Length - 1;

    public int FirstTrack(int album) => _albumStarts[album];

    /// <summary>Tracks of an album; the last album is cut short so that the total is exactly <see cref="Tracks"/>.</summary>
    public int TrackCount(int album) => _albumStarts[album + 1] - _albumStarts[album];

    public AlbumType TypeOf(int album) => Shape(Seed, album).Type;

    public int AlbumOf(int track)
    {
        var found = Array.BinarySearch(_albumStarts, track);
        return found >= 0 ? found : ~found - 1;
    }

    /// <summary>
    /// The album's artist. Popular artists (low indices) get more albums. A ghost artist (index at or past
    /// <see cref="Artists"/>) has an id but no row in any drop: its album rows never reach gold.
    /// </summary>
    public int PrimaryArtist(int album)
    {
        if (HasGhostArtist(album)) return Artists + album;
        // u^2.5 gives the top tenth of artists about 40% of the albums; sqrt rather than Math.Pow because
        // IEEE 754 rounds sqrt exactly, so every platform picks the same artist.
        var u = Seeds.For(Seed, Salt.AlbumShape, album, 1).NextDouble();
        return Math.Min(Artists - 1, (int)(Artists * u * u * Math.Sqrt(u)));
    }

    // One forced case each (when there are enough rows) so that small test scales see orphans too.
    public bool HasGhostArtist(int album) =>
        (Albums >= 10 && album == Albums / 3) || Seeds.For(Seed, Salt.Orphan, album, 1).Chance(GhostArtistShare);

    /// <summary>A track whose tracks row never arrives: its album row never reaches gold.</summary>
    public bool IsOrphanTrack(int track) =>
        (Tracks >= 100 && track == Tracks * 2 / 3) || Seeds.For(Seed, Salt.Orphan, track, 2).Chance(OrphanTrackShare);

    private static (AlbumType Type, int Tracks) Shape(ulong seed, int album)
    {
        // A catalogue-like mix: many singles, mostly full albums by track count, a few long compilations;
        // about 9.6 tracks per album on average.
        var rng = Seeds.For(seed, Salt.AlbumShape, album);
        var roll = rng.Below(100);
        return roll switch
        {
            < 35 => (AlbumType.Single, rng.Chance(0.7) ? 1 : rng.Between(2, 3)),
            < 90 => (AlbumType.Album, rng.Between(6, 20)),
            _ => (AlbumType.Compilation, rng.Between(12, 30)),
        };
    }
}
