-- The gold rows of the affected tracks, from the latest version of every entity: later batch beats
-- earlier batch, then later file (_file_ord, by key order) beats earlier file, then later row wins.
-- Inner join albums.artist_id = artists.id and albums.track_id = tracks.id, as in the seed job.
-- The latest version is found by aggregation, not by sorting: _version orders rows exactly as
-- (_batch, _file_ord, _row) does (see README, "Latest wins"), and a key's latest row is the one whose _version is
-- the key's max(_version). The max is taken over the key and version columns alone and joined back to a second
-- read of silver, not over a WITH holding every column: DuckDB materializes a WITH that is read twice, and at
-- scale 10 that copy of silver spilled (3x slower). Each entity has its own alias (al, tr, art), so its ordering
-- is spelled the same in its max and in its join-back and nowhere else. Artists are not narrowed to the affected
-- tracks' artists: finding those would read silver_albums once more, which costs more than the artists' own aggregate.
SELECT
    a.track_id,
    a.track_name,
    a.track_number,
    a.duration_ms,
    t.track_popularity,
    t.explicit,
    a.album_id,
    a.album_name,
    a.album_type,
    a.label,
    a.total_tracks,
    a.album_popularity,
    a.release_date,
    a.release_date_precision,
    ar.id AS artist_id,
    ar.name AS artist_name,
    ar.artist_popularity,
    ar.followers,
    ar.genres,
    CAST(year(a.release_date) AS INT) AS release_year
FROM (
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
) a
JOIN (
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
) t ON t.id = a.track_id
JOIN (
    SELECT art.* FROM silver_artists art
    JOIN (
        SELECT art.id, max(CAST(art._batch AS DECIMAL(38,0)) * CAST('10000000000000000000000000000' AS DECIMAL(38,0))
            + CAST(art._file_ord AS DECIMAL(38,0)) * CAST('1000000000000000000' AS DECIMAL(38,0)) + CAST(art._row AS DECIMAL(38,0))) AS _version
        FROM silver_artists art
        GROUP BY art.id
    ) m ON m.id = art.id
        AND m._version = CAST(art._batch AS DECIMAL(38,0)) * CAST('10000000000000000000000000000' AS DECIMAL(38,0))
            + CAST(art._file_ord AS DECIMAL(38,0)) * CAST('1000000000000000000' AS DECIMAL(38,0)) + CAST(art._row AS DECIMAL(38,0))
) ar ON ar.id = a.artist_id
