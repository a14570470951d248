-- The floor: what plain DuckDB needs to turn the three raw CSVs into the gold table, with none of the
-- pipeline's guarantees (no validation, no quarantine, no latest-version selection, no silver, no commit).
-- Same DuckDB version (DuckDB.NET 1.5.6.1), memory_limit, threads and output format as the pipeline; at scale 10
-- the bench gives it 1GB (--large-floor-memory-limit): the wide CSV join feeding the partitioned COPY runs out of
-- memory at 512MB there, and more memory only makes the floor faster.
-- The bench runner replaces {{memory_limit}}, {{threads}}, {{temp}}, {{albums}}, {{artists}},
-- {{tracks}} and {{out}} (paths as SQL string literals) and runs it with `SpotifyWorker.Bench floor`.
SET memory_limit = {{memory_limit}};
SET threads = {{threads}};
SET temp_directory = {{temp}};
SET preserve_insertion_order = false;

COPY (
    SELECT
        al.track_id,
        al.track_name,
        CAST(al.track_number AS INT) AS track_number,
        CAST(al.duration_ms AS INT) AS duration_ms,
        CAST(t.track_popularity AS INT) AS track_popularity,
        CAST(t.explicit AS BOOLEAN) AS explicit,
        al.album_id,
        al.album_name,
        al.album_type,
        al.label,
        CAST(al.total_tracks AS INT) AS total_tracks,
        CAST(al.album_popularity AS INT) AS album_popularity,
        CAST(CASE length(al.release_date) WHEN 4 THEN al.release_date || '-01-01' WHEN 7 THEN al.release_date || '-01'
             ELSE substr(al.release_date, 1, 10) END AS DATE) AS release_date,
        CASE length(al.release_date) WHEN 4 THEN 'year' WHEN 7 THEN 'month' ELSE 'day' END AS release_date_precision,
        ar.id AS artist_id,
        ar.name AS artist_name,
        CAST(ar.artist_popularity AS INT) AS artist_popularity,
        CAST(ar.followers AS BIGINT) AS followers,
        list_filter([ar.genre_0, ar.genre_1, ar.genre_2, ar.genre_3, ar.genre_4, ar.genre_5, ar.genre_6],
                    g -> g IS NOT NULL AND g <> '') AS genres,
        CAST(substr(al.release_date, 1, 4) AS INT) AS release_year
    FROM read_csv({{albums}}, header = true, types = {'release_date': 'VARCHAR'}) al
    JOIN read_csv({{artists}}, header = true) ar ON al.artist_id = ar.id
    JOIN read_csv({{tracks}}, header = true) t ON al.track_id = t.id
) TO {{out}} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (release_year), FILENAME_PATTERN 'part-{uuid}');
