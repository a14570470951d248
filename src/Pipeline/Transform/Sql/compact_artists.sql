-- Compaction: the current version of every artist over all live silver files of the entity (view silver_artists),
-- by latest-wins order (later batch, then later file, then later row), found by aggregation over _version as in
-- gold_delta.sql. The rows keep _batch, _file_ord and _row, so a version that arrives later still beats them.
WITH versions AS (
    SELECT s.*, CAST(s._batch AS DECIMAL(38,0)) * CAST('10000000000000000000000000000' AS DECIMAL(38,0))
        + CAST(s._file_ord AS DECIMAL(38,0)) * CAST('1000000000000000000' AS DECIMAL(38,0)) + CAST(s._row AS DECIMAL(38,0)) AS _version
    FROM silver_artists s
)
SELECT v._batch, v._file_ord, v._line, v._row, v._source_key, v.id, v.name, v.artist_popularity, v.followers, v.genres
FROM versions v
JOIN (SELECT id, max(_version) AS _version FROM versions GROUP BY id) m ON m.id = v.id AND m._version = v._version
