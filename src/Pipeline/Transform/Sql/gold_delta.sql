-- The gold rows of the affected tracks, from the latest version of every entity: later batch beats
-- earlier batch, then later file (_file_ord, by key order) beats earlier file, then later row wins.
-- Inner join albums.artist_id = artists.id and albums.track_id = tracks.id, as in the seed job.
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
    ar.id AS artist_id,
    ar.name AS artist_name,
    ar.artist_popularity,
    ar.followers,
    ar.genres,
    CAST(year(a.release_date) AS INT) AS release_year
FROM (
    SELECT s.*, row_number() OVER (PARTITION BY s.track_id ORDER BY s._batch DESC, s._file_ord DESC, s._row DESC) AS _rank
    FROM silver_albums s
    WHERE s.track_id IN (SELECT track_id FROM affected_tracks)
) a
JOIN (
    SELECT s.*, row_number() OVER (PARTITION BY s.id ORDER BY s._batch DESC, s._file_ord DESC, s._row DESC) AS _rank
    FROM silver_tracks s
    WHERE s.id IN (SELECT track_id FROM affected_tracks)
) t ON t.id = a.track_id AND t._rank = 1
JOIN (
    SELECT s.*, row_number() OVER (PARTITION BY s.id ORDER BY s._batch DESC, s._file_ord DESC, s._row DESC) AS _rank
    FROM silver_artists s
    WHERE s.id IN (SELECT artist_id FROM silver_albums WHERE track_id IN (SELECT track_id FROM affected_tracks))
) ar ON ar.id = a.artist_id AND ar._rank = 1
WHERE a._rank = 1
