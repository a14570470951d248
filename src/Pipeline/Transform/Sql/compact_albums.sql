-- The current version of every album row (one per track_id) over the silver_albums it is given (see
-- compact_artists.sql).
SELECT s._batch, s._file_ord, s._line, s._row, s._source_key, s.track_id, s.track_name, s.track_number, s.duration_ms,
    s.album_type, s.total_tracks, s.album_name, s.release_date, s.release_date_precision, s.label, s.album_popularity,
    s.album_id, s.artist_id
FROM silver_albums s
LEFT JOIN (
    SELECT s.track_id, max(CAST(s._batch AS DECIMAL(38,0)) * CAST('10000000000000000000000000000' AS DECIMAL(38,0))
        + CAST(s._file_ord AS DECIMAL(38,0)) * CAST('1000000000000000000' AS DECIMAL(38,0)) + CAST(s._row AS DECIMAL(38,0))) AS _version
    FROM silver_albums s
    WHERE s.track_id IN (SELECT d.track_id FROM silver_albums d GROUP BY d.track_id HAVING count(*) > 1)
    GROUP BY s.track_id
) m ON m.track_id = s.track_id
WHERE m.track_id IS NULL OR m._version = CAST(s._batch AS DECIMAL(38,0)) * CAST('10000000000000000000000000000' AS DECIMAL(38,0))
        + CAST(s._file_ord AS DECIMAL(38,0)) * CAST('1000000000000000000' AS DECIMAL(38,0)) + CAST(s._row AS DECIMAL(38,0))
