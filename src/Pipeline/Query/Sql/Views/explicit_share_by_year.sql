-- Explicit share by year: what fraction of each year's tracks is marked explicit.
-- release_year: year of the album's release date
-- track_count: tracks released that year
-- explicit_count: those marked explicit
-- explicit_share: explicit_count divided by track_count, 0 to 1, 4 decimals
CREATE OR REPLACE VIEW explicit_share_by_year AS
SELECT
    release_year,
    count(*) AS track_count,
    count(CASE WHEN explicit THEN 1 END) AS explicit_count,
    round(CAST(count(CASE WHEN explicit THEN 1 END) AS DOUBLE) / count(*), 4) AS explicit_share
FROM spotify_tracks
GROUP BY release_year
