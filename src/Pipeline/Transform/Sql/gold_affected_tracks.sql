-- Track keys whose gold row may change in this batch: the batch's albums and tracks, and every track
-- whose album row ever named an artist the batch changes. Including a track whose row ends up the same
-- only costs a rewrite; leaving one out would make incremental runs differ from a full refresh.
-- While gold holds no row yet (the first load, or a reprocess removed it), every known track is affected and the
-- table is rebuilt from all silver: then only the last branch runs, since the union of all four branches would
-- hash every silver track_id three more times (at scale 10, 2.1 s against 0.5 s).
SELECT track_id FROM batch_albums WHERE EXISTS (SELECT 1 FROM gold_current)
UNION
SELECT id AS track_id FROM batch_tracks WHERE EXISTS (SELECT 1 FROM gold_current)
UNION
SELECT s.track_id FROM silver_albums s WHERE s.artist_id IN (SELECT id FROM batch_artists) AND EXISTS (SELECT 1 FROM gold_current)
UNION
SELECT s.track_id FROM silver_albums s WHERE NOT EXISTS (SELECT 1 FROM gold_current)
