-- Compaction: the current version of every track over all live silver files (see compact_artists.sql).
WITH versions AS (
    SELECT s.*, CAST(s._batch AS DECIMAL(38,0)) * CAST('10000000000000000000000000000' AS DECIMAL(38,0))
        + CAST(s._file_ord AS DECIMAL(38,0)) * CAST('1000000000000000000' AS DECIMAL(38,0)) + CAST(s._row AS DECIMAL(38,0)) AS _version
    FROM silver_tracks s
)
SELECT v._batch, v._file_ord, v._line, v._row, v._source_key, v.id, v.track_popularity, v.explicit
FROM versions v
JOIN (SELECT id, max(_version) AS _version FROM versions GROUP BY id) m ON m.id = v.id AND m._version = v._version
