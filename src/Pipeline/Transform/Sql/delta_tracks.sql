-- The current track row of every affected track (affected_tracks), for gold_delta while some gold is committed (see
-- delta_albums.sql).
SELECT tr.* FROM silver_tracks tr
JOIN (
    SELECT tr.id, max(CAST(tr._batch AS DECIMAL(38,0)) * CAST('10000000000000000000000000000' AS DECIMAL(38,0))
            + CAST(tr._file_ord AS DECIMAL(38,0)) * CAST('1000000000000000000' AS DECIMAL(38,0)) + CAST(tr._row AS DECIMAL(38,0))) AS _version
    FROM silver_tracks tr
    WHERE tr.id IN (SELECT track_id FROM affected_tracks)
    GROUP BY tr.id
) m ON m.id = tr.id
    AND m._version = CAST(tr._batch AS DECIMAL(38,0)) * CAST('10000000000000000000000000000' AS DECIMAL(38,0))
            + CAST(tr._file_ord AS DECIMAL(38,0)) * CAST('1000000000000000000' AS DECIMAL(38,0)) + CAST(tr._row AS DECIMAL(38,0))
