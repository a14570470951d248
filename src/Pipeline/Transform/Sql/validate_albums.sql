-- Types and checks the raw album rows (one per track) of one batch (see validate_artists.sql for the
-- conventions). release_date comes as YYYY, YYYY-MM, YYYY-MM-DD or "YYYY-MM-DD HH:MM:SS UTC"; it becomes
-- the first day of its precision, and the precision is kept. A row without a valid release_date is
-- rejected: release_year is the partition column.
SELECT
    f._batch,
    d._file_ord,
    d._line,
    d._row,
    f._source_key,
    d.track_id,
    d.track_name,
    d.track_number_v AS track_number,
    d.duration_ms_v AS duration_ms,
    d.album_type,
    d.total_tracks_v AS total_tracks,
    d.album_name,
    d.release_date_v AS release_date,
    d.release_date_precision,
    d.label,
    d.album_popularity_v AS album_popularity,
    d.album_id,
    d.artist_id,
    CASE
        WHEN d.track_id IS NULL OR d.track_id = '' OR (d.track_id LIKE ' %' AND trim(BOTH ' ' FROM d.track_id) = '') THEN 'empty_key: track_id is empty'
        WHEN d.artist_id IS NULL OR d.artist_id = '' OR (d.artist_id LIKE ' %' AND trim(BOTH ' ' FROM d.artist_id) = '') THEN 'empty_key: artist_id is empty'
        WHEN d.track_number_t <> '' AND d.track_number_v IS NULL
            THEN concat('bad_number: track_number "', d.track_number, '" is not an integer')
        WHEN d.duration_ms_t <> '' AND d.duration_ms_v IS NULL
            THEN concat('bad_number: duration_ms "', d.duration_ms, '" is not an integer')
        WHEN d.total_tracks_t <> '' AND d.total_tracks_v IS NULL
            THEN concat('bad_number: total_tracks "', d.total_tracks, '" is not an integer')
        WHEN d.album_popularity_t <> '' AND d.album_popularity_v IS NULL
            THEN concat('bad_number: album_popularity "', d.album_popularity, '" is not an integer')
        WHEN d.release_date IS NULL OR d.release_date = '' OR (d.release_date LIKE ' %' AND trim(BOTH ' ' FROM d.release_date) = '') THEN 'bad_date: release_date is empty'
        WHEN d.release_date_v IS NULL
            THEN concat('bad_date: release_date "', d.release_date, '" is not a valid YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DD HH:MM:SS UTC date')
    END AS _reject_reason
FROM (
    SELECT
        p.*,
        CASE WHEN p.rd = '' THEN NULL WHEN length(p.rd) = 4 THEN 'year' WHEN length(p.rd) = 7 THEN 'month' ELSE 'day' END AS release_date_precision,
        CASE
            WHEN p.rd = '' OR substr(p.rd, 1, 4) < '1000' THEN NULL
            ELSE TRY_CAST(CASE length(p.rd) WHEN 4 THEN concat(p.rd, '-01-01') WHEN 7 THEN concat(p.rd, '-01') ELSE substr(p.rd, 1, 10) END AS DATE)
        END AS release_date_v
    FROM (
        SELECT
            t.*,
            CASE WHEN CAST(TRY_CAST(t.track_number_t AS INT) AS STRING) = t.track_number_t THEN TRY_CAST(t.track_number_t AS INT)
                ELSE TRY_CAST(CASE WHEN regexp_extract(t.track_number_t, '^([+-]?[0-9]+)([.]0+)?$', 0) = t.track_number_t THEN regexp_extract(t.track_number_t, '^([+-]?[0-9]+)([.]0+)?$', 1) END AS INT) END AS track_number_v,
            CASE WHEN CAST(TRY_CAST(t.duration_ms_t AS INT) AS STRING) = t.duration_ms_t THEN TRY_CAST(t.duration_ms_t AS INT)
                ELSE TRY_CAST(CASE WHEN regexp_extract(t.duration_ms_t, '^([+-]?[0-9]+)([.]0+)?$', 0) = t.duration_ms_t THEN regexp_extract(t.duration_ms_t, '^([+-]?[0-9]+)([.]0+)?$', 1) END AS INT) END AS duration_ms_v,
            CASE WHEN CAST(TRY_CAST(t.total_tracks_t AS INT) AS STRING) = t.total_tracks_t THEN TRY_CAST(t.total_tracks_t AS INT)
                ELSE TRY_CAST(CASE WHEN regexp_extract(t.total_tracks_t, '^([+-]?[0-9]+)([.]0+)?$', 0) = t.total_tracks_t THEN regexp_extract(t.total_tracks_t, '^([+-]?[0-9]+)([.]0+)?$', 1) END AS INT) END AS total_tracks_v,
            CASE WHEN CAST(TRY_CAST(t.album_popularity_t AS INT) AS STRING) = t.album_popularity_t THEN TRY_CAST(t.album_popularity_t AS INT)
                ELSE TRY_CAST(CASE WHEN regexp_extract(t.album_popularity_t, '^([+-]?[0-9]+)([.]0+)?$', 0) = t.album_popularity_t THEN regexp_extract(t.album_popularity_t, '^([+-]?[0-9]+)([.]0+)?$', 1) END AS INT) END AS album_popularity_v,
            -- The whole value when it has one of the four forms, else ''; its length tells the precision. One regex, not one per part.
            -- The common forms are recognized first without a regex (a valid date that casts back to the same text).
            CASE
                WHEN length(t.release_date_t) = 10 AND CAST(TRY_CAST(t.release_date_t AS DATE) AS STRING) = t.release_date_t THEN t.release_date_t
                WHEN length(t.release_date_t) = 23 AND substr(t.release_date_t, 11, 13) = ' 00:00:00 UTC'
                    AND CAST(TRY_CAST(substr(t.release_date_t, 1, 10) AS DATE) AS STRING) = substr(t.release_date_t, 1, 10) THEN t.release_date_t
                WHEN length(t.release_date_t) = 4 AND CAST(TRY_CAST(t.release_date_t AS INT) AS STRING) = t.release_date_t THEN t.release_date_t
                WHEN regexp_extract(t.release_date_t, '^([0-9]{4}|[0-9]{4}-[0-9]{2}|[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}:[0-9]{2}( UTC)?)?)$', 0) = t.release_date_t
                THEN regexp_extract(t.release_date_t, '^([0-9]{4}|[0-9]{4}-[0-9]{2}|[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}:[0-9]{2}( UTC)?)?)$', 1) ELSE '' END AS rd
        FROM (
            -- Only the ASCII space is trimmed (Spark's trim strips nothing else), and a regex must match the whole
            -- value: Java's $ also matches before a final line break, RE2's does not. Only a value that starts or ends
            -- with a space is trimmed, and a key is empty when it is '' or starts with a space and trims to '': the
            -- same outcome as trimming every value, which took a second of the albums' checks at scale 10.
            SELECT
                r.*,
                CASE WHEN r.track_number LIKE ' %' OR r.track_number LIKE '% ' THEN trim(BOTH ' ' FROM r.track_number) ELSE r.track_number END AS track_number_t,
                CASE WHEN r.duration_ms LIKE ' %' OR r.duration_ms LIKE '% ' THEN trim(BOTH ' ' FROM r.duration_ms) ELSE r.duration_ms END AS duration_ms_t,
                CASE WHEN r.total_tracks LIKE ' %' OR r.total_tracks LIKE '% ' THEN trim(BOTH ' ' FROM r.total_tracks) ELSE r.total_tracks END AS total_tracks_t,
                CASE WHEN r.album_popularity LIKE ' %' OR r.album_popularity LIKE '% ' THEN trim(BOTH ' ' FROM r.album_popularity) ELSE r.album_popularity END AS album_popularity_t,
                CASE WHEN r.release_date LIKE ' %' OR r.release_date LIKE '% ' THEN trim(BOTH ' ' FROM r.release_date) ELSE r.release_date END AS release_date_t
            FROM raw_albums r
        ) t
    ) p
) d
JOIN batch_files f ON f._file_ord = d._file_ord
