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
    filter(split(concat_ws(chr(31), p.genre_0, p.genre_1, p.genre_2, p.genre_3, p.genre_4, p.genre_5, p.genre_6), chr(31)), g -> trim(g) <> '') AS genres,
    CASE
        WHEN p.id IS NULL OR trim(p.id) = '' THEN 'empty_key: id is empty'
        WHEN p.artist_popularity IS NOT NULL AND trim(p.artist_popularity) <> '' AND p.artist_popularity_v IS NULL
            THEN concat('bad_number: artist_popularity "', p.artist_popularity, '" is not an integer')
        WHEN p.followers IS NOT NULL AND trim(p.followers) <> '' AND p.followers_v IS NULL
            THEN concat('bad_number: followers "', p.followers, '" is not an integer')
    END AS _reject_reason
FROM (
    SELECT
        r.*,
        TRY_CAST(regexp_extract(trim(r.artist_popularity), '^([+-]?[0-9]+)([.]0+)?$', 1) AS INT) AS artist_popularity_v,
        TRY_CAST(regexp_extract(trim(r.followers), '^([+-]?[0-9]+)([.]0+)?$', 1) AS BIGINT) AS followers_v
    FROM raw_artists r
) p
JOIN batch_files f ON f._file_ord = p._file_ord
