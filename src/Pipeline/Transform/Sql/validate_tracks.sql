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
        WHEN p.id IS NULL OR trim(p.id) = '' THEN 'empty_key: id is empty'
        WHEN p.track_popularity IS NOT NULL AND trim(p.track_popularity) <> '' AND p.track_popularity_v IS NULL
            THEN concat('bad_number: track_popularity "', p.track_popularity, '" is not an integer')
        WHEN p.explicit IS NOT NULL AND trim(p.explicit) <> '' AND p.explicit_v IS NULL
            THEN concat('bad_boolean: explicit "', p.explicit, '" is not true or false')
    END AS _reject_reason
FROM (
    SELECT
        r.*,
        TRY_CAST(regexp_extract(trim(r.track_popularity), '^([+-]?[0-9]+)([.]0+)?$', 1) AS INT) AS track_popularity_v,
        CASE lower(trim(r.explicit)) WHEN 'true' THEN true WHEN 'false' THEN false END AS explicit_v
    FROM raw_tracks r
) p
JOIN batch_files f ON f._file_ord = p._file_ord
