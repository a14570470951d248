-- Track keys whose gold row may change in this batch: the batch's albums and tracks, and every track
-- whose album row ever named an artist the batch changes. Including a track whose row ends up the same
-- only costs a rewrite; leaving one out would make incremental runs differ from a full refresh.
SELECT track_id FROM batch_albums
UNION
SELECT id AS track_id FROM batch_tracks
UNION
SELECT s.track_id FROM silver_albums s WHERE s.artist_id IN (SELECT id FROM batch_artists)
UNION
-- Gold holds no row yet (the first load, or a reprocess removed it): every known track is affected, so the
-- table is rebuilt from all silver rather than from this batch's keys alone.
SELECT s.track_id FROM silver_albums s WHERE NOT EXISTS (SELECT 1 FROM gold_current)
