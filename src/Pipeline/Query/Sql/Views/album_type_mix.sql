-- Album type mix: how the albums split into album, single and compilation.
-- album_type: album, single or compilation, as Spotify labels the album
-- album_count: albums of this type
-- track_count: tracks on those albums
-- share_of_albums: album_count divided by the album count of all types, 0 to 1, 4 decimals
CREATE OR REPLACE VIEW album_type_mix AS
SELECT
    album_type,
    count(DISTINCT album_id) AS album_count,
    count(*) AS track_count,
    round(CAST(count(DISTINCT album_id) AS DOUBLE) / nullif(CAST(sum(count(DISTINCT album_id)) OVER () AS DOUBLE), 0), 4) AS share_of_albums
FROM spotify_tracks
GROUP BY album_type
