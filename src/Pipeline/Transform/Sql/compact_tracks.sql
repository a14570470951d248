-- Compaction: the current version of every track over all live silver files (see compact_artists.sql).
SELECT s._batch, s._file_ord, s._line, s._row, s._source_key, s.id, s.track_popularity, s.explicit
FROM (
    SELECT s0.*, row_number() OVER (PARTITION BY s0.id ORDER BY s0._batch DESC, s0._file_ord DESC, s0._row DESC) AS _rank
    FROM silver_tracks s0
) s
WHERE s._rank = 1
