-- Releases by year: how many albums and tracks came out each year and how popular they are.
-- release_year: year of the album's release date
-- album_count: albums released that year
-- track_count: tracks on those albums
-- avg_track_popularity: mean track_popularity of the year's tracks, 2 decimals
-- avg_album_popularity: mean album_popularity of the year's albums, each album counted once, 2 decimals
CREATE OR REPLACE VIEW releases_by_year AS
SELECT
    t.release_year,
    coalesce(a.album_count, 0) AS album_count,
    t.track_count,
    t.avg_track_popularity,
    a.avg_album_popularity
FROM (
    SELECT release_year, count(*) AS track_count, round(avg(CAST(track_popularity AS DOUBLE)), 2) AS avg_track_popularity
    FROM spotify_tracks
    GROUP BY release_year
) t
LEFT JOIN (
    SELECT release_year, count(*) AS album_count, round(avg(CAST(album_popularity AS DOUBLE)), 2) AS avg_album_popularity
    FROM (
        SELECT release_year, album_id, max(album_popularity) AS album_popularity
        FROM spotify_tracks
        WHERE album_id IS NOT NULL
        GROUP BY release_year, album_id
    ) albums
    GROUP BY release_year
) a ON a.release_year = t.release_year
