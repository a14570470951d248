-- The gold rows of the affected tracks, from the latest version of every entity: later batch beats
-- earlier batch, then later file (_file_ord, by key order) beats earlier file, then later row wins.
-- Inner join albums.artist_id = artists.id and albums.track_id = tracks.id, as in the seed job.
-- The latest version is found by aggregation, not by sorting: _version orders rows exactly as
-- (_batch, _file_ord, _row) does (see README, "Latest wins"), and a key's latest row is the one whose _version is
-- the key's max(_version). Artists are not narrowed to the affected tracks' artists: finding those would read
-- silver_albums once more, which costs more than the artists' own aggregate.
WITH albums AS (
    SELECT s.*, CAST(s._batch AS DECIMAL(38,0)) * CAST('10000000000000000000000000000' AS DECIMAL(38,0))
        + CAST(s._file_ord AS DECIMAL(38,0)) * CAST('1000000000000000000' AS DECIMAL(38,0)) + CAST(s._row AS DECIMAL(38,0)) AS _version
    FROM silver_albums s
    WHERE s.track_id IN (SELECT track_id FROM affected_tracks)
), tracks AS (
    SELECT s.*, CAST(s._batch AS DECIMAL(38,0)) * CAST('10000000000000000000000000000' AS DECIMAL(38,0))
        + CAST(s._file_ord AS DECIMAL(38,0)) * CAST('1000000000000000000' AS DECIMAL(38,0)) + CAST(s._row AS DECIMAL(38,0)) AS _version
    FROM silver_tracks s
    WHERE s.id IN (SELECT track_id FROM affected_tracks)
), artists AS (
    SELECT s.*, CAST(s._batch AS DECIMAL(38,0)) * CAST('10000000000000000000000000000' AS DECIMAL(38,0))
        + CAST(s._file_ord AS DECIMAL(38,0)) * CAST('1000000000000000000' AS DECIMAL(38,0)) + CAST(s._row AS DECIMAL(38,0)) AS _version
    FROM silver_artists s
)
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
    SELECT s.* FROM albums s
    JOIN (SELECT track_id, max(_version) AS _version FROM albums GROUP BY track_id) m ON m.track_id = s.track_id AND m._version = s._version
) a
JOIN (
    SELECT s.* FROM tracks s
    JOIN (SELECT id, max(_version) AS _version FROM tracks GROUP BY id) m ON m.id = s.id AND m._version = s._version
) t ON t.id = a.track_id
JOIN (
    SELECT s.* FROM artists s
    JOIN (SELECT id, max(_version) AS _version FROM artists GROUP BY id) m ON m.id = s.id AND m._version = s._version
) ar ON ar.id = a.artist_id
