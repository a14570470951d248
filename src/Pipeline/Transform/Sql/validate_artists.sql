-- Types and checks the raw artist rows of one batch. One output row per input row; _reject_reason is
-- NULL for a valid row, else "<code>: <detail>". Empty numbers are allowed (NULL); text that is not a
-- number is not.
SELECT
    f._batch,
    p._file_ord,
    p._line,
    p._row,
    f._source_key,
    p.id,
    p.name,
    p.artist_popularity_v AS artist_popularity,
    p.followers_v AS followers,
    filter(split(concat_ws(chr(31), p.genre_0, p.genre_1, p.genre_2, p.genre_3, p.genre_4, p.genre_5, p.genre_6), chr(31)), g -> trim(BOTH ' ' FROM g) <> '') AS genres,
    CASE
        WHEN p.id IS NULL OR trim(BOTH ' ' FROM p.id) = '' THEN 'empty_key: id is empty'
        WHEN p.artist_popularity IS NOT NULL AND trim(BOTH ' ' FROM p.artist_popularity) <> '' AND p.artist_popularity_v IS NULL
            THEN concat('bad_number: artist_popularity "', p.artist_popularity, '" is not an integer')
        WHEN p.followers IS NOT NULL AND trim(BOTH ' ' FROM p.followers) <> '' AND p.followers_v IS NULL
            THEN concat('bad_number: followers "', p.followers, '" is not an integer')
    END AS _reject_reason
FROM (
    SELECT
        p0.*,
        TRY_CAST(CASE WHEN regexp_extract(p0.artist_popularity_t, '^([+-]?[0-9]+)([.]0+)?$', 0) = p0.artist_popularity_t THEN regexp_extract(p0.artist_popularity_t, '^([+-]?[0-9]+)([.]0+)?$', 1) END AS INT) AS artist_popularity_v,
        TRY_CAST(CASE WHEN regexp_extract(p0.followers_t, '^([+-]?[0-9]+)([.]0+)?$', 0) = p0.followers_t THEN regexp_extract(p0.followers_t, '^([+-]?[0-9]+)([.]0+)?$', 1) END AS BIGINT) AS followers_v
    FROM (
        -- Only the ASCII space is trimmed and regexes match whole values (see validate_albums.sql).
        SELECT
            r.*,
            trim(BOTH ' ' FROM r.artist_popularity) AS artist_popularity_t,
            trim(BOTH ' ' FROM r.followers) AS followers_t
        FROM raw_artists r
    ) p0
) p
JOIN batch_files f ON f._file_ord = p._file_ord
