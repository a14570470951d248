using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Generation;

/// <summary>
/// When each key is delivered and updated across the drops. Every decision is a pure function of
/// (seed, key, drop), so each drop's file is written in one pass over the keys without remembering what
/// earlier files held.
/// </summary>
internal sealed class DropSchedule(Universe universe, int drops)
{
    public const int Never = int.MaxValue;

    /// <summary>Share of keys delivered in drop 1; the rest spread evenly over the later drops.</summary>
    private const double FirstDropShare = 0.85;

    /// <summary>Of the albums drawn before their artist, the share that really do arrive first.</summary>
    private const double LateArtistShare = 0.15;

    private const double LateTrackShare = 0.02;
    private const double EarlyTrackShare = 0.05;
    private const double StaleTwinShare = 0.004;

    public int Drops => drops;

    public int ArtistArrival(int artist)
    {
        if (artist >= universe.Artists) return Never;
        var rng = Seeds.For(universe.Seed, Salt.ArtistArrival, artist);
        return Draw(ref rng);
    }

    /// <summary>
    /// Usually no earlier than the album's artist; a few albums come first, so that their rows wait in
    /// silver for an artist that a later drop delivers.
    /// </summary>
    public int AlbumArrival(int album)
    {
        var rng = Seeds.For(universe.Seed, Salt.AlbumArrival, album);
        var own = Draw(ref rng);
        var artist = ArtistArrival(universe.PrimaryArtist(album));
        return artist == Never || own >= artist || rng.Chance(LateArtistShare) ? own : artist;
    }

    /// <summary>With its album row, except a few that come later and a few that come before the album.</summary>
    public int TrackArrival(int track, int albumArrival)
    {
        if (universe.IsOrphanTrack(track)) return Never;
        var rng = Seeds.For(universe.Seed, Salt.TrackArrival, track);
        var roll = rng.NextDouble();
        if (roll < LateTrackShare) return albumArrival < drops ? rng.Between(albumArrival + 1, drops) : albumArrival;
        if (roll < LateTrackShare + EarlyTrackShare) return albumArrival > 1 ? rng.Between(1, albumArrival - 1) : albumArrival;
        return albumArrival;
    }

    /// <summary>
    /// The version of a key that drop <paramref name="drop"/>'s file carries: 0 when the key arrives in this
    /// drop, the drop number when it is updated in it, null when the file does not carry the key.
    /// Albums are keyed by album index here: an album update rewrites all of its track rows.
    /// </summary>
    public int? VersionIn(Entity entity, int key, int arrival, int drop) =>
        arrival == drop ? 0 : IsUpdated(entity, key, arrival, drop) ? drop : null;

    /// <summary>The latest version of a key delivered up to and including <paramref name="drop"/>.</summary>
    public int VersionAt(Entity entity, int key, int arrival, int drop)
    {
        for (var d = drop; d > arrival; d--)
        {
            if (IsUpdated(entity, key, arrival, d)) return d;
        }
        return 0;
    }

    public bool IsUpdated(Entity entity, int key, int arrival, int drop) =>
        drop > arrival && drop <= drops && Seeds.For(universe.Seed, UpdateSalt(entity), key, drop).Chance(UpdateShare(entity));

    /// <summary>
    /// Whether a row is written twice in its file, an older-looking copy first: the later row must win.
    /// Keyed by the row key (track index for albums).
    /// </summary>
    public bool HasStaleTwin(Entity entity, int rowKey, int drop) =>
        Seeds.For(universe.Seed, Salt.StaleTwin, rowKey, (drop * 3L) + (int)entity).Chance(StaleTwinShare);

    private int Draw(ref SplitMix64 rng) =>
        drops == 1 || rng.Chance(FirstDropShare) ? 1 : rng.Between(2, drops);

    private static Salt UpdateSalt(Entity entity) => entity switch
    {
        Entity.Artists => Salt.ArtistUpdate,
        Entity.Albums => Salt.AlbumUpdate,
        _ => Salt.TrackUpdate,
    };

    private static double UpdateShare(Entity entity) => entity switch
    {
        Entity.Artists => 0.06,
        Entity.Albums => 0.04,
        _ => 0.05,
    };
}
