-- Every gold row, from the current version of every key in all silver: what gold_delta gives when every track is
-- affected, which is the case while no gold is committed (the first load, or after a reprocess removed gold).
-- compact_<entity> are the engine's names for Sql/compact_<entity>.sql over silver_<entity>. Inner join
-- albums.artist_id = artists.id and albums.track_id = tracks.id, as in gold_delta.sql.
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
FROM compact_albums a
JOIN compact_tracks t ON t.id = a.track_id
JOIN compact_artists ar ON ar.id = a.artist_id
