-- Types and checks the raw artist rows of one batch. One output row per input row; _reject_reason is
-- NULL for a valid row, else "<code>: <detail>". Empty numbers are allowed (NULL); text that is not a
-- number is not. A number whose text is already canonical (it casts and prints back as the same text) is taken
-- without the regex, which decides every other text: the same values, at a third of the cost.
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
        WHEN p.id IS NULL OR p.id = '' OR (p.id LIKE ' %' AND trim(BOTH ' ' FROM p.id) = '') THEN 'empty_key: id is empty'
        WHEN p.artist_popularity_t <> '' AND p.artist_popularity_v IS NULL
            THEN concat('bad_number: artist_popularity "', p.artist_popularity, '" is not an integer')
        WHEN p.followers_t <> '' AND p.followers_v IS NULL
            THEN concat('bad_number: followers "', p.followers, '" is not an integer')
    END AS _reject_reason
FROM (
    SELECT
        p0.*,
        CASE WHEN CAST(TRY_CAST(p0.artist_popularity_t AS INT) AS STRING) = p0.artist_popularity_t THEN TRY_CAST(p0.artist_popularity_t AS INT)
            ELSE TRY_CAST(CASE WHEN regexp_extract(p0.artist_popularity_t, '^([+-]?[0-9]+)([.]0+)?$', 0) = p0.artist_popularity_t THEN regexp_extract(p0.artist_popularity_t, '^([+-]?[0-9]+)([.]0+)?$', 1) END AS INT) END AS artist_popularity_v,
        CASE WHEN CAST(TRY_CAST(p0.followers_t AS BIGINT) AS STRING) = p0.followers_t THEN TRY_CAST(p0.followers_t AS BIGINT)
            ELSE TRY_CAST(CASE WHEN regexp_extract(p0.followers_t, '^([+-]?[0-9]+)([.]0+)?$', 0) = p0.followers_t THEN regexp_extract(p0.followers_t, '^([+-]?[0-9]+)([.]0+)?$', 1) END AS BIGINT) END AS followers_v
    FROM (
        -- Only the ASCII space is trimmed, only where there is one, and regexes match whole values (see validate_albums.sql).
        SELECT
            r.*,
            CASE WHEN r.artist_popularity LIKE ' %' OR r.artist_popularity LIKE '% ' THEN trim(BOTH ' ' FROM r.artist_popularity) ELSE r.artist_popularity END AS artist_popularity_t,
            CASE WHEN r.followers LIKE ' %' OR r.followers LIKE '% ' THEN trim(BOTH ' ' FROM r.followers) ELSE r.followers END AS followers_t
        FROM raw_artists r
    ) p0
) p
JOIN batch_files f ON f._file_ord = p._file_ord
