-- Compaction: the current version of every album row (one per track_id) over all live silver files (see
-- compact_artists.sql).
WITH versions AS (
    SELECT s.*, CAST(s._batch AS DECIMAL(38,0)) * CAST('10000000000000000000000000000' AS DECIMAL(38,0))
        + CAST(s._file_ord AS DECIMAL(38,0)) * CAST('1000000000000000000' AS DECIMAL(38,0)) + CAST(s._row AS DECIMAL(38,0)) AS _version
    FROM silver_albums s
)
SELECT v._batch, v._file_ord, v._line, v._row, v._source_key, v.track_id, v.track_name, v.track_number, v.duration_ms,
    v.album_type, v.total_tracks, v.album_name, v.release_date, v.release_date_precision, v.label, v.album_popularity,
    v.album_id, v.artist_id
FROM versions v
JOIN (SELECT track_id, max(_version) AS _version FROM versions GROUP BY track_id) m ON m.track_id = v.track_id AND m._version = v._version
