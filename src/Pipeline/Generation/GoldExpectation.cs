namespace SpotifyWorker.Pipeline.Generation;

/// <summary>
/// What spotify_tracks must hold after each drop: an album row is in gold from the first drop by which its
/// album row, its artist and its tracks row have all arrived. Computed from the schedule, not from the
/// files, so tests can hold the pipeline (and the files) against it.
/// </summary>
internal static class GoldExpectation
{
    public static (long[] RowsAfterDrop, List<OrphanRow> Orphans) Compute(Universe universe, DropSchedule schedule, CancellationToken cancellationToken)
    {
        var joinedIn = new long[schedule.Drops + 1];
        var orphans = new List<OrphanRow>();
        for (var album = 0; album < universe.Albums; album++)
        {
            if ((album & 0xFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
            var albumArrival = schedule.AlbumArrival(album);
            var artist = universe.PrimaryArtist(album);
            var artistArrival = schedule.ArtistArrival(artist);
            var end = universe.FirstTrack(album) + universe.TrackCount(album);
            for (var track = universe.FirstTrack(album); track < end; track++)
            {
                var trackArrival = schedule.TrackArrival(track, albumArrival);
                var joined = Math.Max(albumArrival, Math.Max(artistArrival, trackArrival));
                if (joined != DropSchedule.Never)
                {
                    joinedIn[joined]++;
                    continue;
                }
                var trackId = SpotifyId.For(universe.Seed, Salt.TrackId, track);
                var artistId = SpotifyId.For(universe.Seed, Salt.ArtistId, artist);
                if (artistArrival == DropSchedule.Never) orphans.Add(new OrphanRow(trackId, artistId, OrphanReason.ArtistNeverArrives));
                if (trackArrival == DropSchedule.Never) orphans.Add(new OrphanRow(trackId, artistId, OrphanReason.TrackNeverArrives));
            }
        }

        var rowsAfterDrop = new long[schedule.Drops];
        long total = 0;
        for (var drop = 1; drop <= schedule.Drops; drop++) rowsAfterDrop[drop - 1] = total += joinedIn[drop];
        return (rowsAfterDrop, orphans);
    }
}
