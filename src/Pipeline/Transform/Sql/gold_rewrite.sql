-- The complete new content of every affected partition: the rows that stay, plus the new rows.
-- Written partitioned by release_year, it replaces all committed gold files of those partitions.
SELECT
    g.track_id, g.track_name, g.track_number, g.duration_ms, g.track_popularity, g.explicit,
    g.album_id, g.album_name, g.album_type, g.label, g.total_tracks, g.album_popularity,
    g.release_date, g.release_date_precision, g.artist_id, g.artist_name, g.artist_popularity,
    g.followers, g.genres, g.release_year
FROM gold_current g
WHERE g.release_year IN (SELECT release_year FROM affected_partitions)
  AND NOT EXISTS (SELECT 1 FROM affected_tracks k WHERE k.track_id = g.track_id)
UNION ALL
SELECT
    d.track_id, d.track_name, d.track_number, d.duration_ms, d.track_popularity, d.explicit,
    d.album_id, d.album_name, d.album_type, d.label, d.total_tracks, d.album_popularity,
    d.release_date, d.release_date_precision, d.artist_id, d.artist_name, d.artist_popularity,
    d.followers, d.genres, d.release_year
FROM gold_delta d
