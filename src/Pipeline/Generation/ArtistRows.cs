using SpotifyWorker.Pipeline.Transform;
using static SpotifyWorker.Pipeline.Generation.RowValues;

namespace SpotifyWorker.Pipeline.Generation;

/// <summary>
/// Rows of artists.csv. An update (a later drop) moves popularity, grows followers and sometimes renames
/// the artist; genres never change.
/// </summary>
internal sealed class ArtistRows(Universe universe, DropSchedule schedule) : RowSource<ValueTuple>(universe.Seed, schedule)
{
    private const double RenameShare = 0.2;

    public override Entity Entity => Entity.Artists;

    /// <summary>The name an artist is delivered with; album rows list artists by it.</summary>
    public static string BaseName(ulong seed, int artist)
    {
        var rng = Seeds.For(seed, Salt.ArtistBase, artist, Part.Text);
        return Names.Artist(ref rng);
    }

    /// <summary>Falls with the artist's index, so the artists with the most albums are the popular ones.</summary>
    public static int BasePopularity(Universe universe, int artist) => BaseNumbers(universe, artist).Popularity;

    // Artists share nothing with their neighbours: the group is the empty tuple.
    protected override IEnumerable<RowSlot<ValueTuple>> Slots()
    {
        for (var artist = 0; artist < universe.Artists; artist++)
        {
            yield return new RowSlot<ValueTuple>(artist, artist, Schedule.ArtistArrival(artist), default);
        }
    }

    protected override string[] Render(RowSlot<ValueTuple> slot, int version, int shift)
    {
        var (artist, arrival) = (slot.RowKey, slot.Arrival);
        var text = Seeds.For(universe.Seed, Salt.ArtistBase, artist, Part.Text);
        var name = Names.Artist(ref text);
        var genres = Names.GenresOf(ref text);
        var (popularity, followers) = BaseNumbers(universe, artist);

        for (var drop = arrival + 1; drop <= version; drop++)
        {
            if (!Schedule.IsUpdated(Entity, artist, arrival, drop)) continue;
            var change = Seeds.For(universe.Seed, Salt.ArtistVersion, artist, drop);
            if (change.Chance(RenameShare)) name = Names.Artist(ref change);
            if (drop == version)
            {
                popularity = Popularity(popularity + change.Between(-8, 8));
                followers += (long)(followers * (0.01 + (0.05 * change.NextDouble())));
            }
        }
        if (shift != 0)
        {
            popularity = Shifted(popularity, shift);
            followers += shift;
        }

        var fields = new string[KaggleLayout.Artists.Count];
        fields[0] = SpotifyId.For(universe.Seed, Salt.ArtistId, artist);
        fields[1] = name;
        fields[2] = Text(popularity);
        fields[3] = PythonList.Format(genres);
        fields[4] = Text(followers);
        for (var g = 0; g < KaggleLayout.GenreColumns; g++) fields[5 + g] = g < genres.Length ? genres[g] : "";
        return fields;
    }

    /// <summary>
    /// Followers are roughly 10^(1 + 6.5 * popularity / 100), at most about 50 million; the fractional power
    /// is linearised so that the value does not depend on the platform's Math.Pow.
    /// </summary>
    private static (int Popularity, long Followers) BaseNumbers(Universe universe, int artist)
    {
        var rng = Seeds.For(universe.Seed, Salt.ArtistBase, artist, Part.Numbers);
        var rank = Math.Min(1.0, artist / (double)universe.Artists);
        var popularity = Popularity((int)(10 + (75 * (1 - Math.Sqrt(rank)))) + rng.Between(-12, 12));
        var exponent = Math.Clamp(1 + (6.5 * popularity / 100) + (0.4 * Normal(ref rng)), 0.0, 7.7);
        var whole = (int)exponent;
        long power = 1;
        for (var i = 0; i < whole; i++) power *= 10;
        return (popularity, (long)(power * (1 + (9 * (exponent - whole)))));
    }
}
