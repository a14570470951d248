-- Duration trend: how long tracks are, year by year.
-- release_year: year of the album's release date
-- track_count: tracks released that year
-- avg_duration_sec: mean track duration in seconds, 2 decimals
-- min_duration_sec: shortest track of the year in seconds, 2 decimals
-- max_duration_sec: longest track of the year in seconds, 2 decimals
CREATE OR REPLACE VIEW duration_trend AS
SELECT
    release_year,
    count(*) AS track_count,
    round(avg(CAST(duration_ms AS DOUBLE)) / 1000, 2) AS avg_duration_sec,
    round(CAST(min(duration_ms) AS DOUBLE) / 1000, 2) AS min_duration_sec,
    round(CAST(max(duration_ms) AS DOUBLE) / 1000, 2) AS max_duration_sec
FROM spotify_tracks
GROUP BY release_year
