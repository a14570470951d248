-- Compaction: the current version of every artist over all live silver files of the entity (view silver_artists),
-- by latest-wins order (later batch, then later file, then later row). The rows keep _batch, _file_ord and _row, so
-- a version that arrives later still beats them.
SELECT s._batch, s._file_ord, s._line, s._row, s._source_key, s.id, s.name, s.artist_popularity, s.followers, s.genres
FROM (
    SELECT s0.*, row_number() OVER (PARTITION BY s0.id ORDER BY s0._batch DESC, s0._file_ord DESC, s0._row DESC) AS _rank
    FROM silver_artists s0
) s
WHERE s._rank = 1
