using SpotifyWorker.Pipeline.Transform;
using static SpotifyWorker.Pipeline.Generation.RowValues;

namespace SpotifyWorker.Pipeline.Generation;

/// <summary>
/// Rows of albums.csv, one per track of an album. Albums are delivered and updated whole: an update moves
/// the album's popularity, sometimes renames it, and sometimes moves its release date to another year, so
/// that its rows change gold partition.
/// </summary>
internal sealed class AlbumRows(Universe universe, DropSchedule schedule) : RowSource<AlbumRows.AlbumOfRows>(universe.Seed, schedule)
{
    private const double MoveYearShare = 0.25;
    private const double RenameShare = 0.1;

    public override Entity Entity => Entity.Albums;

    protected override IEnumerable<RowSlot<AlbumOfRows>> Slots()
    {
        for (var album = 0; album < universe.Albums; album++)
        {
            var group = new AlbumOfRows(album, Schedule.AlbumArrival(album));
            var end = universe.FirstTrack(album) + universe.TrackCount(album);
            for (var track = universe.FirstTrack(album); track < end; track++)
            {
                yield return new RowSlot<AlbumOfRows>(track, album, group.Arrival, group);
            }
        }
    }

    protected override string[] Render(RowSlot<AlbumOfRows> slot, int version, int shift)
    {
        var group = slot.Group;
        if (group.Head is null || group.HeadVersion != version)
        {
            group.Head = Head(group.Album, group.Arrival, version);
            group.HeadVersion = version;
        }
        return Row(group.Head, slot.RowKey, slot.RowKey - universe.FirstTrack(group.Album) + 1, shift);
    }

    /// <summary>Tracks rows derive their popularity from it, so a popular album has popular tracks.</summary>
    public static int BasePopularity(Universe universe, int album) =>
        Popularity(ArtistRows.BasePopularity(universe, universe.PrimaryArtist(album))
            + Seeds.For(universe.Seed, Salt.AlbumBase, album, Part.Numbers).Between(-25, 10));

    /// <summary>The album of a run of rows; its head is computed once for all of them.</summary>
    internal sealed class AlbumOfRows(int album, int arrival)
    {
        public int Album => album;

        public int Arrival => arrival;

        public AlbumHead? Head { get; set; }

        public int HeadVersion { get; set; }
    }

    /// <summary>What all rows of one version of an album share.</summary>
    internal sealed record AlbumHead(
        AlbumType Type, int TotalTracks, string Name, ReleaseDate Date, string Label, int Popularity,
        string Id, string ArtistId, string ArtistName);

    private AlbumHead Head(int album, int arrival, int version)
    {
        var type = universe.TypeOf(album);
        var text = Seeds.For(universe.Seed, Salt.AlbumBase, album, Part.Text);
        var name = Names.Album(ref text);
        var date = ReleaseDate.Random(ref text);
        var label = Names.Label(ref text);
        if (type == AlbumType.Single) name = TrackRows.Title(universe.Seed, universe.FirstTrack(album));
        var popularity = BasePopularity(universe, album);

        for (var drop = arrival + 1; drop <= version; drop++)
        {
            if (!Schedule.IsUpdated(Entity, album, arrival, drop)) continue;
            var change = Seeds.For(universe.Seed, Salt.AlbumVersion, album, drop);
            if (change.Chance(MoveYearShare)) date = date.MoveYear(ref change);
            if (change.Chance(RenameShare)) name = Names.Album(ref change);
            if (drop == version) popularity = Popularity(popularity + change.Between(-10, 10));
        }

        var artist = universe.PrimaryArtist(album);
        return new AlbumHead(
            type, universe.TrackCount(album), name, date, label, popularity,
            SpotifyId.For(universe.Seed, Salt.AlbumId, album),
            SpotifyId.For(universe.Seed, Salt.ArtistId, artist),
            ArtistRows.BaseName(universe.Seed, artist));
    }

    private string[] Row(AlbumHead head, int track, int number, int shift)
    {
        var facts = TrackRows.Facts(universe, track);
        var artists = new string[1 + facts.Featured.Length];
        artists[0] = head.ArtistName;
        facts.Featured.CopyTo(artists, 1);

        var fields = new string[KaggleLayout.Albums.Count];
        fields[0] = facts.Title;
        fields[1] = SpotifyId.For(universe.Seed, Salt.TrackId, track);
        fields[2] = Text(number);
        fields[3] = Text(facts.DurationMs);
        fields[4] = head.Type switch { AlbumType.Single => "single", AlbumType.Compilation => "compilation", _ => "album" };
        fields[5] = PythonList.Format(artists);
        fields[6] = Text(head.TotalTracks);
        fields[7] = head.Name;
        fields[8] = head.Date.ToString();
        fields[9] = head.Label;
        fields[10] = Text(shift == 0 ? head.Popularity : Shifted(head.Popularity, shift));
        fields[11] = head.Id;
        fields[12] = head.ArtistId;
        for (var a = 0; a < KaggleLayout.ArtistNameColumns; a++) fields[13 + a] = a < artists.Length ? artists[a] : "";
        fields[25] = DurationSeconds(facts.DurationMs);
        return fields;
    }

    /// <summary>duration_ms / 1000 as the Kaggle file writes it (a Python float): 201.573, 201.5, 201.0.</summary>
    internal static string DurationSeconds(int milliseconds)
    {
        var fraction = (milliseconds % 1000).ToString("D3", System.Globalization.CultureInfo.InvariantCulture).TrimEnd('0');
        return Text(milliseconds / 1000) + "." + (fraction.Length == 0 ? "0" : fraction);
    }
}
