-- Top labels: which record labels release the most albums and tracks, and how popular their albums are.
-- label: record label; tracks without a label (empty or missing) are left out
-- album_count: albums of the label
-- track_count: tracks on those albums
-- avg_album_popularity: mean album_popularity of the label's albums, each album counted once, 2 decimals
CREATE OR REPLACE VIEW top_labels AS
SELECT
    t.label,
    coalesce(a.album_count, 0) AS album_count,
    t.track_count,
    a.avg_album_popularity
FROM (
    SELECT label, count(*) AS track_count
    FROM spotify_tracks
    WHERE label IS NOT NULL AND trim(label) <> ''
    GROUP BY label
) t
LEFT JOIN (
    SELECT label, count(*) AS album_count, round(avg(CAST(album_popularity AS DOUBLE)), 2) AS avg_album_popularity
    FROM (
        SELECT label, album_id, max(album_popularity) AS album_popularity
        FROM spotify_tracks
        WHERE label IS NOT NULL AND trim(label) <> '' AND album_id IS NOT NULL
        GROUP BY label, album_id
    ) albums
    GROUP BY label
) a ON a.label = t.label
