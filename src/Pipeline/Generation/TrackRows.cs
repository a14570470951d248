using SpotifyWorker.Pipeline.Transform;
using static SpotifyWorker.Pipeline.Generation.RowValues;

namespace SpotifyWorker.Pipeline.Generation;

/// <summary>
/// Rows of tracks.csv (id, track_popularity, explicit), plus the per-track facts that album rows show.
/// Tracks are delivered with their album except a few that come earlier or later (see <see cref="DropSchedule"/>);
/// orphan tracks are never delivered.
/// </summary>
internal sealed class TrackRows(Universe universe, DropSchedule schedule) : RowSource<Lazy<int>>(universe.Seed, schedule)
{
    private const double ExplicitShare = 0.15;
    private const double FeaturingShare = 0.15;

    public override Entity Entity => Entity.Tracks;

    // The group is the album's popularity, computed only if one of its tracks is written.
    protected override IEnumerable<RowSlot<Lazy<int>>> Slots()
    {
        for (var album = 0; album < universe.Albums; album++)
        {
            var albumArrival = Schedule.AlbumArrival(album);
            var index = album;
            var albumPopularity = new Lazy<int>(() => AlbumRows.BasePopularity(universe, index), LazyThreadSafetyMode.None);
            var end = universe.FirstTrack(album) + universe.TrackCount(album);
            for (var track = universe.FirstTrack(album); track < end; track++)
            {
                yield return new RowSlot<Lazy<int>>(track, track, Schedule.TrackArrival(track, albumArrival), albumPopularity);
            }
        }
    }

    /// <summary>The title without a featuring suffix; a single's album is named after its first track.</summary>
    public static string Title(ulong seed, int track)
    {
        var rng = Seeds.For(seed, Salt.TrackBase, track, Part.Text);
        return Names.Track(ref rng);
    }

    /// <summary>What the album row of a track shows about it.</summary>
    internal readonly record struct TrackFacts(string Title, string[] Featured, int DurationMs);

    public static TrackFacts Facts(Universe universe, int track)
    {
        var text = Seeds.For(universe.Seed, Salt.TrackBase, track, Part.Text);
        var title = Names.Track(ref text);
        var featured = text.Chance(FeaturingShare)
            ? new string[text.Chance(0.8) ? 1 : text.Between(2, KaggleLayout.ArtistNameColumns - 1)]
            : [];
        for (var i = 0; i < featured.Length; i++) featured[i] = ArtistRows.BaseName(universe.Seed, text.Below(universe.Artists));
        if (featured.Length > 0 && text.Chance(0.5)) title += $" (feat. {featured[0]})";

        var numbers = Seeds.For(universe.Seed, Salt.TrackBase, track, Part.Numbers);
        return new TrackFacts(title, featured, DurationMs(ref numbers));
    }

    protected override string[] Render(RowSlot<Lazy<int>> slot, int version, int shift)
    {
        var (track, albumPopularity) = (slot.RowKey, slot.Group.Value);
        var numbers = Seeds.For(universe.Seed, Salt.TrackBase, track, Part.Numbers);
        _ = DurationMs(ref numbers);
        var isExplicit = numbers.Chance(ExplicitShare);
        var popularity = Popularity(albumPopularity + numbers.Between(-15, 15));
        if (version > 0)
        {
            popularity = Popularity(popularity + Seeds.For(universe.Seed, Salt.TrackVersion, track, version).Between(-10, 10));
        }
        if (shift != 0) popularity = Shifted(popularity, shift);
        return [SpotifyId.For(universe.Seed, Salt.TrackId, track), Text(popularity), Text(isExplicit)];
    }

    /// <summary>Mostly 2.5 to 5 minutes, a few short interludes and long pieces, always 30 s to 10 min.</summary>
    private static int DurationMs(ref SplitMix64 rng)
    {
        var roll = rng.Below(100);
        var ms = roll switch
        {
            < 3 => rng.Between(30_000, 90_000),
            < 7 => rng.Between(300_000, 600_000),
            _ => (int)(215_000 + (55_000 * Normal(ref rng))),
        };
        return Math.Clamp(ms, 30_000, 600_000);
    }
}
