-- Compaction: the current version of every artist over all live silver files of the entity (view silver_artists),
-- by latest-wins order (later batch, then later file, then later row), found by aggregation over _version as in
-- gold_delta.sql (the max over the key and version columns alone, joined back to a second read of silver). The rows
-- keep _batch, _file_ord and _row, so a version that arrives later still beats them.
SELECT s._batch, s._file_ord, s._line, s._row, s._source_key, s.id, s.name, s.artist_popularity, s.followers, s.genres
FROM silver_artists s
JOIN (
    SELECT s.id, max(CAST(s._batch AS DECIMAL(38,0)) * CAST('10000000000000000000000000000' AS DECIMAL(38,0))
        + CAST(s._file_ord AS DECIMAL(38,0)) * CAST('1000000000000000000' AS DECIMAL(38,0)) + CAST(s._row AS DECIMAL(38,0))) AS _version
    FROM silver_artists s
    GROUP BY s.id
) m ON m.id = s.id AND m._version = CAST(s._batch AS DECIMAL(38,0)) * CAST('10000000000000000000000000000' AS DECIMAL(38,0))
        + CAST(s._file_ord AS DECIMAL(38,0)) * CAST('1000000000000000000' AS DECIMAL(38,0)) + CAST(s._row AS DECIMAL(38,0))
