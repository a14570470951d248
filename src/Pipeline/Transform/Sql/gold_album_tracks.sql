-- The first half of gold_delta's inner join: the current album row of each track in current_albums joined with its
-- current track row (albums.track_id = tracks.id), the album's artist_id kept for the second half. gold_delta.sql
-- joins the artists to it. The embedded engine materializes this half (but for a small first load) and not the whole
-- gold row: at scale 10 the table does not fit in the memory limit, and without the five artist columns it is about a
-- third narrower, so less of it is spilled, compressed and read back (Transform/Sql/README.md, "Order of a batch").
SELECT
    a.track_id,
    a.track_name,
    a.track_number,
    a.duration_ms,
    t.track_popularity,
    t.explicit,
    a.album_id,
    a.album_name,
    a.album_type,
    a.label,
    a.total_tracks,
    a.album_popularity,
    a.release_date,
    a.release_date_precision,
    a.artist_id
FROM current_albums a
JOIN current_tracks t ON t.id = a.track_id
