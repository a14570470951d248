-- Partitions to rewrite: where an affected track's row is now, and where it will be. A release_date that
-- changes year moves the row, so both the old and the new partition are rewritten.
SELECT DISTINCT g.release_year FROM gold_current g WHERE g.track_id IN (SELECT track_id FROM affected_tracks)
UNION
SELECT DISTINCT d.release_year FROM gold_delta d
