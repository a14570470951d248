-- Compaction: the current version of every album row (one per track_id) over all live silver files (see
-- compact_artists.sql).
SELECT
    s._batch, s._file_ord, s._line, s._row, s._source_key, s.track_id, s.track_name, s.track_number, s.duration_ms,
    s.album_type, s.total_tracks, s.album_name, s.release_date, s.release_date_precision, s.label, s.album_popularity,
    s.album_id, s.artist_id
FROM (
    SELECT s0.*, row_number() OVER (PARTITION BY s0.track_id ORDER BY s0._batch DESC, s0._file_ord DESC, s0._row DESC) AS _rank
    FROM silver_albums s0
) s
WHERE s._rank = 1
