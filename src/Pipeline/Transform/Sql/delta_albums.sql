-- The current album row of every affected track (affected_tracks), for gold_delta while some gold is committed:
-- later batch beats earlier batch, then later file (_file_ord, by key order) beats earlier file, then later row
-- wins. The latest version is found by aggregation, not by sorting: _version orders rows exactly as
-- (_batch, _file_ord, _row) does (see README, "Latest wins"), and a key's latest row is the one whose _version is
-- the key's max(_version). The max is taken over the key and version columns alone, narrowed to the affected tracks,
-- and joined back to a second read of silver: DuckDB materializes a WITH that is read twice, and at scale 10 a WITH of
-- every column spilled (3x slower).
SELECT al.* FROM silver_albums al
JOIN (
    SELECT al.track_id, max(CAST(al._batch AS DECIMAL(38,0)) * CAST('10000000000000000000000000000' AS DECIMAL(38,0))
            + CAST(al._file_ord AS DECIMAL(38,0)) * CAST('1000000000000000000' AS DECIMAL(38,0)) + CAST(al._row AS DECIMAL(38,0))) AS _version
    FROM silver_albums al
    WHERE al.track_id IN (SELECT track_id FROM affected_tracks)
    GROUP BY al.track_id
) m ON m.track_id = al.track_id
    AND m._version = CAST(al._batch AS DECIMAL(38,0)) * CAST('10000000000000000000000000000' AS DECIMAL(38,0))
            + CAST(al._file_ord AS DECIMAL(38,0)) * CAST('1000000000000000000' AS DECIMAL(38,0)) + CAST(al._row AS DECIMAL(38,0))
