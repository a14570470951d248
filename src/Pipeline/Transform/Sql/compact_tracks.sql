-- The current version of every track over the silver_tracks it is given (see compact_artists.sql).
SELECT s._batch, s._file_ord, s._line, s._row, s._source_key, s.id, s.track_popularity, s.explicit
FROM silver_tracks s
LEFT JOIN (
    SELECT s.id, max(CAST(s._batch AS DECIMAL(38,0)) * CAST('10000000000000000000000000000' AS DECIMAL(38,0))
        + CAST(s._file_ord AS DECIMAL(38,0)) * CAST('1000000000000000000' AS DECIMAL(38,0)) + CAST(s._row AS DECIMAL(38,0))) AS _version
    FROM silver_tracks s
    WHERE s.id IN (SELECT d.id FROM silver_tracks d GROUP BY d.id HAVING count(*) > 1)
    GROUP BY s.id
) m ON m.id = s.id
WHERE m.id IS NULL OR m._version = CAST(s._batch AS DECIMAL(38,0)) * CAST('10000000000000000000000000000' AS DECIMAL(38,0))
        + CAST(s._file_ord AS DECIMAL(38,0)) * CAST('1000000000000000000' AS DECIMAL(38,0)) + CAST(s._row AS DECIMAL(38,0))
