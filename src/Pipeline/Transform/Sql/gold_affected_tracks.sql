-- Track keys whose gold row may change in this batch: the batch's albums and tracks, and every track
-- whose album row ever named an artist the batch changes. Including a track whose row ends up the same
-- only costs a rewrite; leaving one out would make incremental runs differ from a full refresh.
-- Run only while some gold is committed: without gold every track is affected (README, "Order of a batch").
SELECT track_id FROM batch_albums
UNION
SELECT id AS track_id FROM batch_tracks
UNION
SELECT s.track_id FROM silver_albums s WHERE s.artist_id IN (SELECT id FROM batch_artists)
