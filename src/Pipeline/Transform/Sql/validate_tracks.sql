-- Types and checks the raw track rows of one batch (see validate_artists.sql for the conventions).
SELECT
    f._batch,
    p._file_ord,
    p._line,
    p._row,
    f._source_key,
    p.id,
    p.track_popularity_v AS track_popularity,
    p.explicit_v AS explicit,
    CASE
        WHEN p.id IS NULL OR p.id = '' OR (p.id LIKE ' %' AND trim(BOTH ' ' FROM p.id) = '') THEN 'empty_key: id is empty'
        WHEN p.track_popularity_t <> '' AND p.track_popularity_v IS NULL
            THEN concat('bad_number: track_popularity "', p.track_popularity, '" is not an integer')
        WHEN p.explicit_t <> '' AND p.explicit_v IS NULL
            THEN concat('bad_boolean: explicit "', p.explicit, '" is not true or false')
    END AS _reject_reason
FROM (
    SELECT
        p0.*,
        CASE WHEN CAST(TRY_CAST(p0.track_popularity_t AS INT) AS STRING) = p0.track_popularity_t THEN TRY_CAST(p0.track_popularity_t AS INT)
            ELSE TRY_CAST(CASE WHEN regexp_extract(p0.track_popularity_t, '^([+-]?[0-9]+)([.]0+)?$', 0) = p0.track_popularity_t THEN regexp_extract(p0.track_popularity_t, '^([+-]?[0-9]+)([.]0+)?$', 1) END AS INT) END AS track_popularity_v,
        CASE lower(p0.explicit_t) WHEN 'true' THEN true WHEN 'false' THEN false END AS explicit_v
    FROM (
        -- Only the ASCII space is trimmed, only where there is one, and regexes match whole values (see validate_albums.sql).
        SELECT
            r.*,
            CASE WHEN r.track_popularity LIKE ' %' OR r.track_popularity LIKE '% ' THEN trim(BOTH ' ' FROM r.track_popularity) ELSE r.track_popularity END AS track_popularity_t,
            CASE WHEN r.explicit LIKE ' %' OR r.explicit LIKE '% ' THEN trim(BOTH ' ' FROM r.explicit) ELSE r.explicit END AS explicit_t
        FROM raw_tracks r
    ) p0
) p
JOIN batch_files f ON f._file_ord = p._file_ord
